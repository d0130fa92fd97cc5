import { ClimateRuleSchema, ScheduleSchema, type ClimateRule, type Schedule } from '@tokkatot/shared';
import { DEFAULT_ALARM_SETTINGS } from '../../edge/src/automation/alarm-conditions.js';
import type { FarmAutomationConfig } from '../../edge/src/automation/farm-config.js';

const META = { farmId: 'farm-1', hlc: '001767225600000:00000:bench', updatedAt: Date.UTC(2026, 0, 1) };
const ALL = [0, 1, 2, 3, 4, 5, 6];

/** A climate rule for one coop: 3 heater stages, 8 fan stages, 2 minimum-ventilation fans. */
export function benchRule(coop: string, overrides: Partial<ClimateRule> = {}): ClimateRule {
  return ClimateRuleSchema.parse({
    ...META,
    id: `rule-${coop}`,
    coopId: coop,
    name: 'climate',
    enabled: true,
    target: 'fixed',
    bandLowC: 28,
    bandHighC: 31,
    hysteresisC: 0.5,
    minOnSeconds: 120,
    minOffSeconds: 120,
    maxRunSeconds: null,
    heaterStages: [0, 1, 2].map((i) => ({ outputId: `${coop}-heater-${i + 1}`, onBelowC: i })),
    fanStages: Array.from({ length: 8 }, (_, i) => ({ outputId: `${coop}-fan-${i + 1}`, onAboveC: i * 0.5 })),
    minimumVentilation: { outputIds: [`${coop}-fan-1`, `${coop}-fan-2`], cycleSeconds: 300, minOnPercent: 10, maxOnPercent: 60, rampSpanC: 2 },
    humidityMaxPercent: 85,
    sensorStaleSeconds: 120,
    ...overrides,
  });
}

function schedulesFor(coop: string): Schedule[] {
  const s = (id: string, outputId: string, fields: Record<string, unknown>): Schedule =>
    ScheduleSchema.parse({ ...META, id: `${coop}-${id}`, coopId: coop, outputId: `${coop}-${outputId}`, name: id, enabled: true, weekdays: ALL, ...fields });
  return [
    s('feeder-a', 'feeder-1', { type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 }),
    s('feeder-b', 'feeder-2', { type: 'cron', cron: '0 6,12,18 * * *', action: { steps: [{ state: 'on', seconds: 30 }, { state: 'off', seconds: 10 }, { state: 'on', seconds: 30 }, { state: 'off', seconds: 10 }] } }),
    s('conveyor', 'conveyor-1', { type: 'cycle', startTime: '08:00', runSeconds: 600, offSeconds: 7200, repeat: 4 }),
    ...[1, 2, 3, 4].map((i) => s(`light-${i}`, `light-${i}`, { type: 'duty', windowStart: '05:00', windowEnd: '21:00', onSeconds: 3000, offSeconds: 600, repeat: null })),
    s('pump', 'pump-1', { type: 'duty', windowStart: '06:00', windowEnd: '18:00', onSeconds: 300, offSeconds: 7200, repeat: null }),
    s('relay-a', 'relay-1', { type: 'cron', cron: '*/15 * * * *', action: { autoOffSeconds: 120 } }),
  ];
}

/** A farm of `coops` coops × 20 outputs each: 3 heaters, 8 fans, 9 outputs with one schedule each. */
export function benchFarm(coops = 5): FarmAutomationConfig {
  const ids = Array.from({ length: coops }, (_, i) => `coop-${i + 1}`);
  const outputs = ids.flatMap((coop) => [
    ...[1, 2, 3].map((i) => ({ id: `${coop}-heater-${i}`, name: `heater ${i}`, kind: 'heater', coopId: coop })),
    ...Array.from({ length: 8 }, (_, i) => ({ id: `${coop}-fan-${i + 1}`, name: `fan ${i + 1}`, kind: 'fan', coopId: coop })),
    ...['feeder-1', 'feeder-2', 'conveyor-1', 'light-1', 'light-2', 'light-3', 'light-4', 'pump-1', 'relay-1'].map((o) => ({ id: `${coop}-${o}`, name: o, kind: o.split('-')[0]!, coopId: coop })),
  ]);
  return {
    farmId: 'farm-1',
    zone: 'Asia/Phnom_Penh',
    coops: ids.map((coop) => ({
      id: coop,
      name: coop,
      flock: null,
      climate: benchRule(coop),
      temperatureSensors: [1, 2, 3].map((i) => ({ id: `${coop}-t${i}`, name: `t${i}` })),
      humiditySensors: [{ id: `${coop}-h1`, name: 'h1' }],
      water: { sensorId: `${coop}-w1`, name: 'tank', halfFullRaw: 2000 },
    })),
    outputs,
    schedules: ids.flatMap(schedulesFor),
    nodes: ids.map((coop) => ({ nodeId: `${coop}-node`, name: `${coop} node`, coopId: coop })),
    alarms: DEFAULT_ALARM_SETTINGS,
    catchUpGraceSeconds: 1800,
    sensorMaxDeviationC: 3,
    defaultSensorStaleSeconds: 120,
  };
}
