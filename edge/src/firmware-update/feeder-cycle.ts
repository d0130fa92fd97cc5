import type { Output, Schedule } from '@tokkatot/shared';
import { evaluateSchedule } from '../automation/schedule.js';
import { parseTimeOfDay } from '../automation/zoned-time.js';

export interface FeederCycleDeps {
  /** The coop's outputs (registry). */
  outputs: (coopId: string) => readonly Output[];
  /** The arbiter's last decision for an output (output_state table). */
  outputState: (outputId: string) => { state: 'on' | 'off' } | undefined;
  /** The automation's schedules (documents), read afresh: the app edits them. */
  schedules: () => readonly Schedule[];
  timezone: () => string;
  /** An update must not start this close before a feeder schedule switches on (default 20 min). */
  leadMs?: number;
}

/**
 * Tells whether a feeder of a coop is in a running cycle, which an update must not interrupt (the
 * node holds every output in fail-safe while it changes image). A feeder output counts as running
 * when any of these holds at `now`:
 *
 * 1. its last decided state is ON, whatever decided it (schedule, manual, cloud);
 * 2. an enabled schedule of it is inside its program: from the trigger to the end of the last ON
 *    (cycle: repeat × run + (repeat − 1) × off; cron: the auto-off or the sum of the steps;
 *    duty: the daily window), so the rests between runs of one cycle count too;
 * 3. an enabled schedule of it switches ON within `leadMs`, so a transfer and reboot that take
 *    minutes do not hold the feeder off at its start.
 *
 * Returns the sentence naming the feeder and why, or null when no feeder of the coop runs.
 */
export function findRunningFeeder(deps: FeederCycleDeps, coopId: string, now: number): string | null {
  const zone = deps.timezone();
  const lead = deps.leadMs ?? 20 * 60_000;
  const feeders = deps.outputs(coopId).filter((output) => output.kind === 'feeder');
  if (feeders.length === 0) return null;
  const schedules = deps.schedules();
  for (const feeder of feeders) {
    if (deps.outputState(feeder.id)?.state === 'on') return `feeder ${feeder.name} is on`;
    for (const schedule of schedules) {
      if (schedule.outputId !== feeder.id || !schedule.enabled) continue;
      const evaluation = evaluateSchedule(schedule, now, zone);
      if (evaluation.state === 'on') return `feeder ${feeder.name} runs (${evaluation.reason})`;
      if (evaluation.triggerAt !== null && now < evaluation.triggerAt + programLengthMs(schedule)) {
        return `feeder ${feeder.name} is between runs of a cycle (${evaluation.reason})`;
      }
      if (evaluation.nextTransitionAt !== null && evaluation.nextTransitionAt - now <= lead) {
        return `feeder ${feeder.name} starts within ${Math.round(lead / 60_000)} min (${evaluation.reason})`;
      }
    }
  }
  return null;
}

/** From a trigger to the end of the program's last ON period. */
function programLengthMs(schedule: Schedule): number {
  switch (schedule.type) {
    case 'cycle':
      return (schedule.repeat * schedule.runSeconds + (schedule.repeat - 1) * schedule.offSeconds) * 1000;
    case 'cron':
      return 'autoOffSeconds' in schedule.action
        ? schedule.action.autoOffSeconds * 1000
        : schedule.action.steps.reduce((sum, step) => sum + step.seconds, 0) * 1000;
    case 'duty': {
      const minutes = (parseTimeOfDay(schedule.windowEnd) - parseTimeOfDay(schedule.windowStart) + 1440) % 1440;
      return minutes * 60_000;
    }
  }
}
