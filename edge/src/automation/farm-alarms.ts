import type { CoopAlarmSnapshot, FarmAlarmSnapshot } from './alarm-conditions.js';
import { stepAlarm, type AlarmCondition, type AlarmEvent, type AlarmStepContext, type AlarmTrack } from './alarm-lifecycle.js';
import type { CoopEvaluation } from './coop-evaluation.js';
import type { FarmAutomationConfig } from './farm-config.js';

/** What the alarms look at, gathered from the latest evaluation of the farm. */
export function buildAlarmSnapshot(
  config: FarmAutomationConfig,
  coops: ReadonlyMap<string, CoopEvaluation>,
  decisions: ReadonlyMap<string, { state: 'on' | 'off'; changedAt: number }>,
  reported: ReadonlyMap<string, { on: boolean; at: number }>,
  nodeSeen: ReadonlyMap<string, number>,
  now: number,
): FarmAlarmSnapshot {
  const coopSnapshots: CoopAlarmSnapshot[] = config.coops.map((coop) => {
    const ev = coops.get(coop.id)!;
    const excludedBy = new Map(ev.temperature.excluded.concat(ev.humidity.excluded).map((x) => [x.sensorId, x]));
    return {
      coopId: coop.id,
      coopName: coop.name,
      temperatureC: ev.temperature.value,
      targetC: ev.targetC,
      temperatureAlarms: ev.policy.temperatureAlarms,
      expectsTemperature: coop.temperatureSensors.length > 0 && coop.climate !== null,
      water: coop.water ? { value: ev.water, halfFullRaw: coop.water.halfFullRaw, sensorId: coop.water.sensorId } : null,
      sensors: [...coop.temperatureSensors, ...coop.humiditySensors].map((s) => {
        const x = excludedBy.get(s.id);
        return { sensorId: s.id, name: s.name, excluded: x?.cause ?? null, detail: x?.detail ?? '' };
      }),
    };
  });
  const unconfirmed: FarmAlarmSnapshot['unconfirmed'] = [];
  for (const output of config.outputs) {
    const d = decisions.get(output.id);
    const report = reported.get(output.id);
    // Only a report that contradicts the decision counts; silence is the node-offline alarm's job.
    if (d && report && report.on !== (d.state === 'on') && report.at <= now) {
      unconfirmed.push({ outputId: output.id, name: output.name, coopId: output.coopId, commanded: d.state, since: Math.max(d.changedAt, report.at) });
    }
  }
  return { coops: coopSnapshots, nodes: config.nodes.map((n) => ({ ...n, lastSeenAt: nodeSeen.get(n.nodeId) ?? null })), unconfirmed };
}

/** The outcome of stepping every alarm once. */
export interface FarmAlarmStep {
  tracks: Record<string, AlarmTrack>;
  saved: AlarmTrack[];
  deleted: string[];
  events: AlarmEvent[];
  wakeups: number[];
}

/**
 * Steps every alarm against its condition. A track with nothing active and no alarm is dropped;
 * a track whose condition vanished from the configuration is cleared as if it had ended.
 */
export function stepFarmAlarms(previous: Readonly<Record<string, AlarmTrack>>, conditions: AlarmCondition[], ctx: AlarmStepContext): FarmAlarmStep {
  const out: FarmAlarmStep = { tracks: { ...previous }, saved: [], deleted: [], events: [], wakeups: [] };
  const keep = (track: AlarmTrack, before: AlarmTrack | undefined): void => {
    if (track.activeSince === null && track.alarm === null) {
      if (before) {
        delete out.tracks[track.key];
        out.deleted.push(track.key);
      }
      return;
    }
    if (JSON.stringify(track) === JSON.stringify(before)) return;
    out.tracks[track.key] = track;
    out.saved.push(track);
  };
  const live = new Set<string>();
  for (const condition of conditions) {
    live.add(condition.key);
    const before = previous[condition.key];
    if (!before && !condition.active) continue;
    const result = stepAlarm(before, condition, ctx);
    if (result.nextEvaluationAt !== null) out.wakeups.push(result.nextEvaluationAt);
    keep(result.track, before);
    out.events.push(...result.events);
  }
  for (const [key, track] of Object.entries(previous)) {
    if (live.has(key)) continue;
    const gone: AlarmCondition = { key, kind: track.kind, coopId: track.coopId, subjectId: track.subjectId, active: false, severity: 'warning', message: '', delayMs: 0, reminderMs: 0, siren: false };
    const result = stepAlarm(track, gone, ctx);
    keep(result.track, track);
    out.events.push(...result.events);
  }
  return out;
}
