import type { CoopView, SensorView } from './api/types.js';

export type Verdict = 'good' | 'hot' | 'cold' | 'failed' | 'unknown' | 'noTarget';

/** The coop's temperature: the mean of its working temperature sensors, or why there is none. */
export function coopTemperature(coop: Pick<CoopView, 'sensors'>): { value: number | null; failed: boolean } {
  const sensors = coop.sensors.filter((sensor: SensorView) => sensor.kind === 'temperature' && sensor.installed);
  const values = sensors.map((sensor) => sensor.latest?.value).filter((value): value is number => typeof value === 'number');
  if (values.length > 0) return { value: values.reduce((sum, value) => sum + value, 0) / values.length, failed: false };
  return { value: null, failed: sensors.some((sensor) => sensor.latest?.failure) };
}

/** Good / too hot / too cold against the target band, in words the screen can show. */
export function judgeTemperature(value: number | null, failed: boolean, target: { lowC: number; highC: number } | null | undefined): Verdict {
  if (value === null) return failed ? 'failed' : 'unknown';
  if (!target) return 'noTarget';
  if (value > target.highC) return 'hot';
  if (value < target.lowC) return 'cold';
  return 'good';
}
