import type pg from 'pg';
import type { ClimateRule } from '@tokkatot/shared';
import { listAlarms, type AlarmView } from './alarm-views.js';
import { computeBand, selectClimateRule, selectCurrentFlock } from './coop-band.js';
import { loadFarmConfig } from './farm-config.js';
import { formatLocalDate } from './zoned-day.js';

/** A reading older than this no longer describes the coop: its status becomes unknown. */
export const STALE_AFTER_MS = 10 * 60_000;

export type CoopStatus = 'good' | 'too_hot' | 'too_cold' | 'unknown';

export interface CoopSummary {
  id: string;
  name: string;
  temperatureC: number | null;
  humidityPercent: number | null;
  targetLowC: number | null;
  targetHighC: number | null;
  status: CoopStatus;
  outputsOn: number;
  openAlarms: number;
  updatedAt: number | null;
}

export interface SensorView {
  id: string;
  name: string;
  kind: string;
  unit: string;
  value: number | null;
  status: 'ok' | 'failed' | 'stale' | 'no_data';
  ts: number | null;
}

export interface OutputView {
  id: string;
  name: string;
  kind: string;
  state: 'on' | 'off' | 'unknown';
  source: string | null;
  reason: string | null;
  since: number | null;
}

export interface CoopState extends CoopSummary {
  sensors: SensorView[];
  outputs: OutputView[];
  alarms: AlarmView[];
  rules: ClimateRule[];
}

interface SensorRow {
  sensor_id: string;
  ts: string;
  status: 'ok' | 'failed';
  value: number | null;
}
interface OutputRow {
  output_id: string;
  ts: string;
  state: 'on' | 'off';
  source: string;
  reason: string;
}

const mean = (values: number[]): number | null => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10);

/** Current state of every coop of a farm (or one), from configuration documents and the ingest projections. */
export async function loadCoopStates(db: pg.Pool, farmId: string, options: { now: number; timeZone: string; coopId?: string }): Promise<CoopState[]> {
  const [config, sensorRows, outputRows, alarms] = await Promise.all([
    loadFarmConfig(db, farmId, options.coopId),
    db.query<SensorRow>('SELECT sensor_id, ts, status, value FROM sensor_latest WHERE farm_id = $1', [farmId]),
    db.query<OutputRow>('SELECT output_id, ts, state, source, reason FROM output_latest WHERE farm_id = $1', [farmId]),
    listAlarms(db, farmId, { openOnly: true }),
  ]);
  const latestSensor = new Map(sensorRows.rows.map((row) => [row.sensor_id, row]));
  const latestOutput = new Map(outputRows.rows.map((row) => [row.output_id, row]));
  const today = formatLocalDate(options.now, options.timeZone);
  return config.coops.map((coop) => {
    const sensors: SensorView[] = config.sensors
      .filter((sensor) => sensor.coopId === coop.id && sensor.installed)
      .map((sensor) => {
        const row = latestSensor.get(sensor.id);
        const ts = row ? Number(row.ts) : null;
        const status = !row ? 'no_data' : row.status === 'failed' ? 'failed' : options.now - ts! > STALE_AFTER_MS ? 'stale' : 'ok';
        return { id: sensor.id, name: sensor.name, kind: sensor.kind, unit: sensor.unit, value: row?.status === 'ok' ? row.value : null, status, ts };
      });
    const outputs: OutputView[] = config.outputs
      .filter((output) => output.coopId === coop.id && output.installed)
      .map((output) => {
        const row = latestOutput.get(output.id);
        return { id: output.id, name: output.name, kind: output.kind, state: row?.state ?? 'unknown', source: row?.source ?? null, reason: row?.reason ?? null, since: row ? Number(row.ts) : null };
      });
    const fresh = (kind: string) => sensors.filter((s) => s.kind === kind && s.status === 'ok').map((s) => s.value!);
    const temperatureC = mean(fresh('temperature'));
    const rule = selectClimateRule(config.rules, coop.id);
    const band = rule ? computeBand(rule, selectCurrentFlock(config.flocks, coop.id), today) : undefined;
    let status: CoopStatus = 'unknown';
    if (temperatureC !== null && band) status = temperatureC > band.highC ? 'too_hot' : temperatureC < band.lowC ? 'too_cold' : 'good';
    const coopAlarms = alarms.filter((alarm) => alarm.coopId === coop.id);
    const times = [...sensors.map((s) => s.ts), ...outputs.map((o) => o.since)].filter((t): t is number => t !== null);
    return {
      id: coop.id,
      name: coop.name,
      temperatureC,
      humidityPercent: mean(fresh('humidity')),
      targetLowC: band ? Math.round(band.lowC * 10) / 10 : null,
      targetHighC: band ? Math.round(band.highC * 10) / 10 : null,
      status,
      outputsOn: outputs.filter((o) => o.state === 'on').length,
      openAlarms: coopAlarms.length,
      updatedAt: times.length > 0 ? Math.max(...times) : null,
      sensors,
      outputs,
      alarms: coopAlarms,
      rules: config.rules.filter((r) => r.coopId === coop.id),
    };
  });
}

/** The summary fields of a coop state (overview and farm pages). */
export function summarizeCoop(state: CoopState): CoopSummary {
  const { sensors: _s, outputs: _o, alarms: _a, rules: _r, ...summary } = state;
  return summary;
}
