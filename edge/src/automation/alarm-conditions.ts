import { DEFAULT_ALARM_SETTINGS, type AlarmSettings, type Schedule } from '@tokkatot/shared';
import type { AlarmCondition } from './alarm-lifecycle.js';
import type { ExclusionCause } from './sensor-combination.js';
import { evaluateSchedule } from './schedule.js';

/** Farm-wide alarm thresholds and timings: the shared schema's type (defaults in DEFAULT_ALARM_SETTINGS). */
export type { AlarmSettings } from '@tokkatot/shared';

/** Defaults after the Munters Trio and the original product: one definition, in shared. */
export { DEFAULT_ALARM_SETTINGS };

/** What the alarm conditions look at, per coop. */
export interface CoopAlarmSnapshot {
  coopId: string;
  coopName: string;
  temperatureC: number | null;
  targetC: number | null;
  /** False in an empty house: no temperature alarms. */
  temperatureAlarms: boolean;
  /** Whether the coop has temperature sensors and a climate rule to lose. */
  expectsTemperature: boolean;
  water: { value: number | null; halfFullRaw: number; sensorId: string } | null;
  sensors: Array<{ sensorId: string; name: string; excluded: ExclusionCause | null; detail: string }>;
}

/** Farm-level facts the alarms watch. */
export interface FarmAlarmSnapshot {
  coops: CoopAlarmSnapshot[];
  nodes: Array<{ nodeId: string; name: string; coopId: string | null; lastSeenAt: number | null }>;
  /** Outputs whose reported state differs from the last command, since when. */
  unconfirmed: Array<{ outputId: string; name: string; coopId: string; commanded: 'on' | 'off'; since: number }>;
}

/**
 * Turns a farm snapshot into the full list of alarm conditions, active or not, plus the next
 * moment a condition changes by the clock alone (a node going offline, a command timing out, the
 * scheduled test starting or ending).
 */
export function collectAlarmConditions(
  snapshot: FarmAlarmSnapshot,
  settings: AlarmSettings,
  now: number,
  zone: string,
): { conditions: AlarmCondition[]; nextEvaluationAt: number | null } {
  const out: AlarmCondition[] = [];
  const wakeups: number[] = [];
  const reminderMs = settings.reminderSeconds * 1000;
  const base = { reminderMs, siren: true };
  for (const coop of snapshot.coops) {
    const t = coop.temperatureC;
    const highLimit = Math.min(settings.temperatureHighC, coop.targetC === null ? Infinity : coop.targetC + settings.aboveTargetC);
    const lowLimit = Math.max(settings.temperatureLowC, coop.targetC === null ? -Infinity : coop.targetC - settings.belowTargetC);
    const temperatureDelay = settings.temperatureDelaySeconds * 1000;
    out.push({
      ...base,
      key: `temperature_high:${coop.coopId}`,
      kind: 'temperature_high',
      coopId: coop.coopId,
      subjectId: null,
      active: coop.temperatureAlarms && t !== null && t > highLimit,
      severity: 'critical',
      message: `${coop.coopName} too hot: ${t?.toFixed(1)} °C > ${highLimit.toFixed(1)} °C`,
      delayMs: temperatureDelay,
    });
    out.push({
      ...base,
      key: `temperature_low:${coop.coopId}`,
      kind: 'temperature_low',
      coopId: coop.coopId,
      subjectId: null,
      active: coop.temperatureAlarms && t !== null && t < lowLimit,
      severity: 'critical',
      message: `${coop.coopName} too cold: ${t?.toFixed(1)} °C < ${lowLimit.toFixed(1)} °C`,
      delayMs: temperatureDelay,
    });
    out.push({
      ...base,
      key: `sensor_loss_emergency:${coop.coopId}`,
      kind: 'sensor_loss_emergency',
      coopId: coop.coopId,
      subjectId: null,
      active: coop.expectsTemperature && t === null,
      severity: 'critical',
      message: `${coop.coopName}: no trusted temperature; heaters off, minimum ventilation running`,
      // The heaters are already safe; the delay spares a start-up before the first reading.
      delayMs: settings.sensorFailureDelaySeconds * 1000,
    });
    for (const sensor of coop.sensors) {
      out.push({
        ...base,
        key: `sensor_failed:${sensor.sensorId}`,
        kind: 'sensor_failed',
        coopId: coop.coopId,
        subjectId: sensor.sensorId,
        active: sensor.excluded !== null,
        severity: 'warning',
        message: `${coop.coopName}: sensor ${sensor.name} left out (${sensor.excluded ?? 'ok'}: ${sensor.detail})`,
        delayMs: settings.sensorFailureDelaySeconds * 1000,
      });
    }
    if (coop.water) {
      const w = coop.water;
      out.push({
        ...base,
        key: `water_low:${w.sensorId}`,
        kind: 'water_low',
        coopId: coop.coopId,
        subjectId: w.sensorId,
        active: w.value !== null && w.value < w.halfFullRaw,
        severity: 'warning',
        message: `${coop.coopName}: water level below half for ${settings.waterDelaySeconds} s`,
        delayMs: settings.waterDelaySeconds * 1000,
      });
    }
  }
  const offlineMs = settings.nodeOfflineSeconds * 1000;
  for (const node of snapshot.nodes) {
    const deadline = node.lastSeenAt === null ? null : node.lastSeenAt + offlineMs;
    if (deadline !== null && deadline > now) wakeups.push(deadline);
    out.push({
      ...base,
      key: `node_offline:${node.nodeId}`,
      kind: 'node_offline',
      coopId: node.coopId,
      subjectId: node.nodeId,
      active: deadline !== null && now >= deadline,
      severity: 'critical',
      message: `node ${node.name} silent for more than ${settings.nodeOfflineSeconds} s`,
      delayMs: 0,
    });
  }
  for (const output of snapshot.unconfirmed) {
    if (output.since + settings.outputConfirmSeconds * 1000 > now) wakeups.push(output.since + settings.outputConfirmSeconds * 1000);
    out.push({
      ...base,
      key: `output_unconfirmed:${output.outputId}`,
      kind: 'output_unconfirmed',
      coopId: output.coopId,
      subjectId: output.outputId,
      active: true,
      severity: 'warning',
      message: `${output.name} did not confirm switching ${output.commanded}`,
      delayMs: settings.outputConfirmSeconds * 1000,
    });
  }
  if (settings.test) {
    const test = evaluateAlarmTest(settings.test, now, zone);
    if (test.nextTransitionAt !== null) wakeups.push(test.nextTransitionAt);
    out.push({
      key: 'alarm_test',
      kind: 'alarm_test',
      coopId: null,
      subjectId: null,
      active: test.state === 'on',
      severity: 'warning',
      message: 'scheduled alarm test: the siren should sound now',
      delayMs: 0,
      reminderMs: 0,
      siren: true,
    });
  }
  return { conditions: out, nextEvaluationAt: wakeups.length ? Math.min(...wakeups) : null };
}

/** The scheduled alarm test as the cron schedule with auto-off the automation evaluates. */
export function alarmTestSchedule(test: { cron: string; durationSeconds: number }): Schedule {
  return {
    id: 'alarm-test',
    farmId: 'farm',
    hlc: '0',
    updatedAt: 0,
    coopId: 'farm',
    outputId: 'siren',
    name: 'alarm test',
    enabled: true,
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    type: 'cron',
    cron: test.cron,
    action: { autoOffSeconds: test.durationSeconds },
  };
}

/** Whether the scheduled alarm test sounds the siren now, and when that changes. */
export function evaluateAlarmTest(test: { cron: string; durationSeconds: number }, now: number, zone: string) {
  return evaluateSchedule(alarmTestSchedule(test), now, zone);
}
