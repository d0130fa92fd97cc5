import { Cron } from 'croner';
import type { Schedule } from '@tokkatot/shared';
import { addDays, getLocalDate, getWeekday, parseTimeOfDay, toInstant } from './zoned-time.js';

/** A stretch of constant state inside one run of a schedule; `end` null means "until the next trigger". */
export interface RunSegment {
  on: boolean;
  start: number;
  end: number | null;
  /** Human label such as "run 2 of 3" or "step 3 of 4". */
  label: string;
}

const crons = new Map<string, Cron>();

/** Parses a 5-field cron expression with croner; throws a readable error on a bad one. */
export function parseCron(expression: string, zone: string): Cron {
  const key = `${zone}\u0000${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(expression, { timezone: zone, paused: true, mode: '5-part' });
    crons.set(key, cron);
  }
  return cron;
}

const SECOND = 1000;
/** Enough look-back for a daily trigger on any allowed weekday. */
const DAY_SEARCH = 8;
/** Cron searches skip at most this many disallowed days before giving up. */
const CRON_SEARCH = 16;

function allowedDay(schedule: Schedule, at: number, zone: string): boolean {
  return schedule.weekdays.includes(getWeekday(getLocalDate(at, zone)));
}

function startMinute(schedule: Schedule): number {
  if (schedule.type === 'cycle') return parseTimeOfDay(schedule.startTime);
  if (schedule.type === 'duty') return parseTimeOfDay(schedule.windowStart);
  throw new Error('cron schedules have no daily start');
}

/** The latest instant ≤ `at` at which the schedule (re)starts its program, or null. */
export function findLatestTrigger(schedule: Schedule, at: number, zone: string): number | null {
  if (schedule.type === 'cron') {
    const cron = parseCron(schedule.cron, zone);
    let ref = at + 1;
    for (let i = 0; i < CRON_SEARCH; i++) {
      const prev = cron.previousRuns(1, new Date(ref))[0];
      if (!prev) return null;
      const t = prev.getTime();
      if (allowedDay(schedule, t, zone)) return t;
      // Jump to that day's midnight so the next search starts on the day before.
      ref = toInstant(getLocalDate(t, zone), 0, zone);
    }
    return null;
  }
  const minute = startMinute(schedule);
  const today = getLocalDate(at, zone);
  for (let k = 0; k <= DAY_SEARCH; k++) {
    const date = addDays(today, -k);
    if (!schedule.weekdays.includes(getWeekday(date))) continue;
    const t = toInstant(date, minute, zone);
    if (t <= at) return t;
  }
  return null;
}

/** The earliest trigger strictly after `at`, or null. */
export function findNextTrigger(schedule: Schedule, at: number, zone: string): number | null {
  if (schedule.type === 'cron') {
    const cron = parseCron(schedule.cron, zone);
    let ref = at;
    for (let i = 0; i < CRON_SEARCH; i++) {
      const next = cron.nextRun(new Date(ref));
      if (!next) return null;
      const t = next.getTime();
      if (allowedDay(schedule, t, zone)) return t;
      // nextRun is exclusive: start just before the following midnight to include a 00:00 run.
      ref = toInstant(addDays(getLocalDate(t, zone), 1), 0, zone) - 1;
    }
    return null;
  }
  const minute = startMinute(schedule);
  const today = getLocalDate(at, zone);
  for (let k = 0; k <= DAY_SEARCH; k++) {
    const date = addDays(today, k);
    if (!schedule.weekdays.includes(getWeekday(date))) continue;
    const t = toInstant(date, minute, zone);
    if (t > at) return t;
  }
  return null;
}

/** Where `at` falls in a periodic ON/OFF program started at `trigger`, cut by `repeat` and `limit`. */
function locatePeriodic(
  trigger: number,
  at: number,
  onMs: number,
  offMs: number,
  repeat: number | null,
  limit: number | null,
): RunSegment {
  const period = onMs + offMs;
  const k = Math.floor((at - trigger) / period);
  const total = repeat === null ? '' : ` of ${repeat}`;
  // The last cycle that starts at all: bounded by the repeat count and by the window's end.
  let lastIndex = repeat === null ? Number.POSITIVE_INFINITY : repeat - 1;
  if (limit !== null) lastIndex = Math.min(lastIndex, Math.floor((limit - 1 - trigger) / period));
  const onEnd = (index: number): number => {
    const end = trigger + index * period + onMs;
    return limit === null ? end : Math.min(end, limit);
  };
  if (k > lastIndex) return { on: false, start: onEnd(lastIndex), end: null, label: limit === null ? 'program finished' : 'window closed' };
  const cycleStart = trigger + k * period;
  if (at < onEnd(k)) return { on: true, start: cycleStart, end: onEnd(k), label: `run ${k + 1}${total}` };
  return {
    on: false,
    start: onEnd(k),
    end: k < lastIndex ? cycleStart + period : null,
    label: k < lastIndex ? `rest after run ${k + 1}${total}` : limit === null ? 'program finished' : 'window closed',
  };
}

/** Where `at` falls in the program started at `trigger` (ignores later triggers). */
export function locateInRun(schedule: Schedule, zone: string, trigger: number, at: number): RunSegment {
  switch (schedule.type) {
    case 'cycle':
      return locatePeriodic(trigger, at, schedule.runSeconds * SECOND, schedule.offSeconds * SECOND, schedule.repeat, null);
    case 'duty': {
      const startMin = parseTimeOfDay(schedule.windowStart);
      const endMin = parseTimeOfDay(schedule.windowEnd);
      const day = getLocalDate(trigger, zone);
      // An end before the start closes the window on the next day (overnight window).
      const windowEnd = toInstant(endMin > startMin ? day : addDays(day, 1), endMin, zone);
      return locatePeriodic(trigger, at, schedule.onSeconds * SECOND, schedule.offSeconds * SECOND, schedule.repeat, windowEnd);
    }
    case 'cron': {
      const action = schedule.action;
      if ('autoOffSeconds' in action) {
        const end = trigger + action.autoOffSeconds * SECOND;
        return at < end
          ? { on: true, start: trigger, end, label: `auto-off after ${action.autoOffSeconds} s` }
          : { on: false, start: end, end: null, label: 'auto-off done' };
      }
      let start = trigger;
      for (let i = 0; i < action.steps.length; i++) {
        const step = action.steps[i]!;
        const end = start + step.seconds * SECOND;
        if (at < end) return { on: step.state === 'on', start, end, label: `step ${i + 1} of ${action.steps.length}` };
        start = end;
      }
      // The sequence always ends OFF: the last OFF step merges into the idle time after it.
      const last = action.steps.at(-1)!;
      return { on: false, start: start - last.seconds * SECOND, end: null, label: 'sequence finished' };
    }
  }
}

/**
 * The segment of constant state containing `at`, across triggers: the latest trigger's program
 * applies, and a new trigger restarts the program (a re-trigger restarts a running sequence).
 */
export function locateSegment(schedule: Schedule, zone: string, at: number): RunSegment & { trigger: number | null } {
  const { trigger, next } = findTriggerInterval(schedule, zone, at);
  if (trigger === null) return { on: false, start: Number.NEGATIVE_INFINITY, end: next, label: 'not started', trigger };
  const segment = locateInRun(schedule, zone, trigger, at);
  const end = segment.end === null ? next : next === null ? segment.end : Math.min(segment.end, next);
  return { ...segment, end, trigger };
}

/** Recently found trigger intervals per schedule: cron look-ups cost ~100 µs, and evaluations repeat. */
const intervals = new WeakMap<Schedule, Array<{ zone: string; trigger: number; next: number }>>();
const INTERVALS_KEPT = 8;

/** The triggers around `at`: the latest at or before it and the first after it. */
function findTriggerInterval(schedule: Schedule, zone: string, at: number): { trigger: number | null; next: number | null } {
  let known = intervals.get(schedule);
  const hit = known?.find((k) => k.zone === zone && k.trigger <= at && at < k.next);
  if (hit) return hit;
  const trigger = findLatestTrigger(schedule, at, zone);
  const next = findNextTrigger(schedule, at, zone);
  // Only closed intervals are cached: an open end may be a search limit, not the truth.
  if (trigger !== null && next !== null) {
    if (!known) intervals.set(schedule, (known = []));
    known.unshift({ zone, trigger, next });
    known.length = Math.min(known.length, INTERVALS_KEPT);
  }
  return { trigger, next };
}
