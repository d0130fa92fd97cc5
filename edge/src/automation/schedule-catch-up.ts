import type { Schedule } from '@tokkatot/shared';
import { locateSegment } from './schedule-run.js';
import { formatLocalTime } from './zoned-time.js';

/**
 * The catch-up rule for schedule runs missed while the controller was off (power cut, reboot):
 *
 * 1. A run whose ON period is still in progress at start-up is not "missed": the schedule's pure
 *    evaluation resumes it with only its remaining time (it ends when it was meant to end).
 * 2. A discrete run (cycle and cron schedules: feeder, conveyor, pulse feeding) that started and
 *    ended entirely while the controller was off is replayed once, late, for its planned length,
 *    but only when its planned start is within `graceSeconds` of start-up, only the latest such
 *    run, never one already replayed, and cut short so it ends before the next planned ON period
 *    (never longer than the schedule intended, never overlapping the next run).
 * 3. Older misses, and every missed duty-cycle period (continuous ventilation-style cycling that
 *    resumes in phase by itself), are skipped and reported.
 *
 * "Off" is known from durable bookkeeping: `lastRunStartAt` is the start of the latest ON period
 * the engine saw begin, or the moment it first watched the schedule; ON periods starting later
 * that it never saw were missed. Without it (very first start) nothing is replayed.
 */
export interface CatchUpPlan {
  /** The late run to perform now, or null. */
  replay: { missedStart: number; start: number; end: number; reason: string } | null;
  /** Starts of ON periods missed and not replayed. */
  skipped: number[];
}

/** Default grace window: a feeder run missed by more than 30 minutes is not replayed. */
export const DEFAULT_CATCH_UP_GRACE_SECONDS = 1800;

/** Missed periods examined at most; a longer outage only reports the latest ones. */
const SCAN_LIMIT = 500;

/** Plans the catch-up for one schedule at start-up (see the rule above). */
export function planScheduleCatchUp(
  schedule: Schedule,
  zone: string,
  now: number,
  bookkeeping: { lastRunStartAt: number | null; lastReplayedStart: number | null },
  graceSeconds: number = DEFAULT_CATCH_UP_GRACE_SECONDS,
): CatchUpPlan {
  const { lastRunStartAt, lastReplayedStart } = bookkeeping;
  if (!schedule.enabled || lastRunStartAt === null) return { replay: null, skipped: [] };
  const missed: Array<{ start: number; end: number }> = [];
  // A month-long outage only needs its last week examined: anything older is far past grace.
  let cursor = Math.max(lastRunStartAt, now - 7 * 86_400_000);
  for (let i = 0; i < SCAN_LIMIT; i++) {
    const segment = locateSegment(schedule, zone, cursor);
    if (segment.end === null || segment.end > now) break;
    if (segment.on && segment.start > lastRunStartAt) missed.push({ start: segment.start, end: segment.end });
    cursor = segment.end;
  }
  const latest = missed.at(-1);
  const eligible =
    latest !== undefined &&
    schedule.type !== 'duty' &&
    now - latest.start <= graceSeconds * 1000 &&
    latest.start !== lastReplayedStart &&
    !locateSegment(schedule, zone, now).on;
  if (!eligible) return { replay: null, skipped: missed.map((run) => run.start) };
  const nextOn = findNextOnStart(schedule, zone, now);
  const end = Math.min(now + (latest.end - latest.start), nextOn ?? Number.POSITIVE_INFINITY);
  if (end <= now) return { replay: null, skipped: missed.map((run) => run.start) };
  const reason = `schedule '${schedule.name}' late run for ${formatLocalTime(latest.start, zone)}, missed while the controller was off`;
  return { replay: { missedStart: latest.start, start: now, end, reason }, skipped: missed.slice(0, -1).map((run) => run.start) };
}

function findNextOnStart(schedule: Schedule, zone: string, from: number): number | null {
  let cursor: number | null = from;
  for (let i = 0; i < SCAN_LIMIT && cursor !== null; i++) {
    const segment = locateSegment(schedule, zone, cursor);
    if (segment.on && segment.start >= from) return segment.start;
    cursor = segment.end;
  }
  return null;
}
