import type { Schedule } from '@tokkatot/shared';
import { locateSegment, parseCron } from './schedule-run.js';
import { formatLocalTime } from './zoned-time.js';

/** The farm's zone when none is configured. */
export const DEFAULT_TIME_ZONE = 'Asia/Phnom_Penh';

/** What a schedule asks of its output at one instant. */
export interface ScheduleEvaluation {
  state: 'on' | 'off';
  reason: string;
  /** When this state began; null when it began before anything the schedule can trace back to. */
  since: number | null;
  /**
   * The next moment the state changes; the state is constant until then. Null when it never
   * changes again (disabled). When no change is found within a bounded search it is a recheck
   * moment at which the state is still the same.
   */
  nextTransitionAt: number | null;
  /** The trigger whose program is in force (null before the first one). */
  triggerAt: number | null;
}

/** Segments to merge when following equal states forwards or backwards. */
const MERGE_LIMIT = 64;

/**
 * Evaluates a schedule at `now` in the farm's zone, never polling: the state, since when, and the
 * next transition. The latest trigger's program applies; a new trigger restarts the program. A
 * restart of the controller therefore resumes a running ON period with only its remaining time.
 */
export function evaluateSchedule(schedule: Schedule, now: number, zone: string = DEFAULT_TIME_ZONE): ScheduleEvaluation {
  if (!schedule.enabled) {
    return { state: 'off', reason: `schedule '${schedule.name}' disabled`, since: null, nextTransitionAt: null, triggerAt: null };
  }
  const invalid = checkSchedule(schedule, zone);
  if (invalid) return { state: 'off', reason: `schedule '${schedule.name}' not run: ${invalid}`, since: null, nextTransitionAt: null, triggerAt: null };
  const here = locateSegment(schedule, zone, now);
  let end = here.end;
  for (let i = 0; i < MERGE_LIMIT && end !== null; i++) {
    const next = locateSegment(schedule, zone, end);
    if (next.on !== here.on) break;
    if (next.end === null) {
      end = null;
      break;
    }
    end = next.end;
  }
  let start: number | null = here.start;
  for (let i = 0; i < MERGE_LIMIT && start !== null; i++) {
    if (!Number.isFinite(start)) {
      start = null;
      break;
    }
    const previous = locateSegment(schedule, zone, start - 1);
    if (previous.on !== here.on) break;
    start = previous.start;
  }
  const state = here.on ? 'on' : 'off';
  const until = end === null ? '' : here.on ? `, until ${formatLocalTime(end, zone)}` : `, next run ${formatLocalTime(end, zone)}`;
  const reason = here.on
    ? `schedule '${schedule.name}' ${here.label} since ${formatLocalTime(start ?? now, zone)}${until}`
    : `schedule '${schedule.name}' idle (${here.label})${until}`;
  return { state, reason, since: start, nextTransitionAt: end, triggerAt: here.trigger };
}

/** Zones already checked: building a formatter costs more than a whole evaluation. */
const knownZones = new Set<string>();

/**
 * What zod cannot check: a cron expression croner accepts, in a zone this runtime knows. Returns
 * a readable message, or null when the schedule can run.
 */
export function checkSchedule(schedule: Schedule, zone: string): string | null {
  if (!knownZones.has(zone)) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      knownZones.add(zone);
    } catch {
      return `unknown time zone "${zone}"`;
    }
  }
  if (schedule.type !== 'cron') return null;
  try {
    parseCron(schedule.cron, zone);
    return null;
  } catch (error) {
    return `invalid cron expression "${schedule.cron}": ${(error as Error).message}`;
  }
}
