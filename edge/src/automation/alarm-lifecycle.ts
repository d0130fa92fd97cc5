import type { AlarmKind, Event } from '@tokkatot/shared';

/** Severity of an alarm, as in the shared AlarmSchema. */
export type AlarmSeverity = 'warning' | 'critical';

/** A condition that may raise an alarm, evaluated afresh at every step. */
export interface AlarmCondition {
  /** Stable identity of what is watched, e.g. "temperature_high:coop-1". */
  key: string;
  kind: AlarmKind;
  coopId: string | null;
  subjectId: string | null;
  active: boolean;
  severity: AlarmSeverity;
  message: string;
  /** How long the condition must hold continuously before the alarm is raised. */
  delayMs: number;
  /** Repeat the alarm this often while nobody acknowledges it (0: never). */
  reminderMs: number;
  /** Whether this alarm sounds the siren. */
  siren: boolean;
}

/** Durable state of one watched condition and its alarm, if raised. */
export interface AlarmTrack {
  key: string;
  kind: AlarmKind;
  coopId: string | null;
  subjectId: string | null;
  /** When the condition became active (continuously) or null. */
  activeSince: number | null;
  alarm: {
    id: string;
    state: 'raised' | 'acknowledged';
    severity: AlarmSeverity;
    message: string;
    siren: boolean;
    raisedAt: number;
    remindedAt: number | null;
    acknowledgedAt: number | null;
    acknowledgedBy: string | null;
  } | null;
}

/** Alarm lifecycle events, shaped like the shared EventSchema. */
export type AlarmEvent = Extract<Event, { type: 'alarm_raised' | 'alarm_reminded' | 'alarm_acknowledged' | 'alarm_cleared' }>;

/** What a step needs besides the condition. */
export interface AlarmStepContext {
  farmId: string;
  now: number;
  newId: (now: number) => string;
}

function event(track: AlarmTrack, type: AlarmEvent['type'], ctx: AlarmStepContext, actorId: string | null = null): AlarmEvent {
  const alarm = track.alarm!;
  return {
    id: ctx.newId(ctx.now),
    farmId: ctx.farmId,
    ts: ctx.now,
    coopId: track.coopId,
    actorId,
    type,
    alarmId: alarm.id,
    kind: track.kind,
    severity: alarm.severity,
    message: alarm.message,
  };
}

/**
 * Advances one alarm: a condition held for its delay raises the alarm; an unacknowledged alarm
 * is reminded every `reminderMs`; a condition that goes away clears the alarm by itself (acknowledged
 * or not), and resets the delay so only a *continuous* condition raises.
 */
export function stepAlarm(
  previous: AlarmTrack | undefined,
  condition: AlarmCondition,
  ctx: AlarmStepContext,
): { track: AlarmTrack; events: AlarmEvent[]; nextEvaluationAt: number | null } {
  const { now } = ctx;
  const track: AlarmTrack = previous
    ? { ...previous, alarm: previous.alarm ? { ...previous.alarm } : null }
    : { key: condition.key, kind: condition.kind, coopId: condition.coopId, subjectId: condition.subjectId, activeSince: null, alarm: null };
  const events: AlarmEvent[] = [];
  if (!condition.active) {
    track.activeSince = null;
    if (track.alarm) {
      events.push(event(track, 'alarm_cleared', ctx));
      track.alarm = null;
    }
    return { track, events, nextEvaluationAt: null };
  }
  track.activeSince ??= now;
  if (!track.alarm) {
    const raiseAt = track.activeSince + condition.delayMs;
    if (now < raiseAt) return { track, events, nextEvaluationAt: raiseAt };
    track.alarm = {
      id: ctx.newId(now),
      state: 'raised',
      severity: condition.severity,
      message: condition.message,
      siren: condition.siren,
      raisedAt: now,
      remindedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
    };
    events.push(event(track, 'alarm_raised', ctx));
  }
  const alarm = track.alarm;
  if (alarm.state === 'raised' && condition.reminderMs > 0) {
    const due = (alarm.remindedAt ?? alarm.raisedAt) + condition.reminderMs;
    if (now >= due) {
      alarm.remindedAt = now;
      alarm.message = condition.message;
      events.push(event(track, 'alarm_reminded', ctx));
    }
    return { track, events, nextEvaluationAt: (alarm.remindedAt ?? alarm.raisedAt) + condition.reminderMs };
  }
  return { track, events, nextEvaluationAt: null };
}

/** Acknowledges a raised alarm: no more reminders, the siren stops for it; it clears when the condition does. */
export function acknowledgeAlarm(track: AlarmTrack, userId: string, ctx: AlarmStepContext): { track: AlarmTrack; events: AlarmEvent[] } {
  if (!track.alarm || track.alarm.state !== 'raised') return { track, events: [] };
  const next: AlarmTrack = { ...track, alarm: { ...track.alarm, state: 'acknowledged', acknowledgedAt: ctx.now, acknowledgedBy: userId } };
  return { track: next, events: [event(next, 'alarm_acknowledged', ctx, userId)] };
}

/**
 * Whether the siren sounds: any raised, unacknowledged siren alarm, unless silenced. A silence
 * lasts until `silencedUntil`, but an alarm raised or reminded after the silence began sounds again.
 */
export function decideSiren(tracks: Iterable<AlarmTrack>, now: number, silence: { at: number; until: number } | null): boolean {
  for (const track of tracks) {
    const alarm = track.alarm;
    if (!alarm || alarm.state !== 'raised' || !alarm.siren) continue;
    if (!silence || now >= silence.until) return true;
    if (Math.max(alarm.raisedAt, alarm.remindedAt ?? 0) > silence.at) return true;
  }
  return false;
}
