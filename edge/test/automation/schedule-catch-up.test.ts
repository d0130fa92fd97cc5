import { describe, expect, it } from 'vitest';
import { planScheduleCatchUp } from '../../src/automation/schedule-catch-up.js';
import { feederSchedule, makeSchedule, pp } from './fixtures.js';

const PP = 'Asia/Phnom_Penh';
const yesterdayLastRun = pp('2026-03-09T14:16:00');

describe('planScheduleCatchUp', () => {
  const feeder = feederSchedule();

  it('replays a feeder run missed entirely within the grace window, once, for its full length', () => {
    const now = pp('2026-03-10T06:20:00');
    const plan = planScheduleCatchUp(feeder, PP, now, { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null });
    expect(plan.replay).toMatchObject({ missedStart: pp('2026-03-10T06:00:00'), start: now, end: now + 8 * 60_000 });
    expect(plan.replay!.reason).toContain('late run for 06:00');
    // A second restart after the replay: never twice.
    const again = planScheduleCatchUp(feeder, PP, now + 60_000, { lastRunStartAt: yesterdayLastRun, lastReplayedStart: pp('2026-03-10T06:00:00') });
    expect(again.replay).toBeNull();
  });

  it('does not replay a run missed by more than the grace window and reports it skipped', () => {
    const plan = planScheduleCatchUp(feeder, PP, pp('2026-03-10T06:45:00'), { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null });
    expect(plan.replay).toBeNull();
    expect(plan.skipped).toEqual([pp('2026-03-10T06:00:00')]);
  });

  it('replays only the latest of several missed runs and skips the rest', () => {
    const plan = planScheduleCatchUp(feeder, PP, pp('2026-03-10T10:30:00'), { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null });
    expect(plan.replay?.missedStart).toBe(pp('2026-03-10T10:08:00'));
    expect(plan.skipped).toEqual([pp('2026-03-10T06:00:00')]);
  });

  it('leaves a run still in progress to the schedule (it resumes with its remaining time)', () => {
    const plan = planScheduleCatchUp(feeder, PP, pp('2026-03-10T06:05:00'), { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null });
    expect(plan).toEqual({ replay: null, skipped: [] });
  });

  it('cuts a late run so it ends before the next planned run', () => {
    const tight = feederSchedule({ runSeconds: 600, offSeconds: 300, repeat: 3 });
    // Runs 06:00–06:10, 06:15–06:25; restart at 06:12 after missing the first one.
    const plan = planScheduleCatchUp(tight, PP, pp('2026-03-10T06:12:00'), { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null });
    expect(plan.replay).toMatchObject({ start: pp('2026-03-10T06:12:00'), end: pp('2026-03-10T06:15:00') });
  });

  it('never replays duty-cycle periods, and replays nothing on the very first start', () => {
    const duty = makeSchedule({ type: 'duty', windowStart: '06:00', windowEnd: '18:00', onSeconds: 300, offSeconds: 600, repeat: null });
    expect(planScheduleCatchUp(duty, PP, pp('2026-03-10T06:20:00'), { lastRunStartAt: yesterdayLastRun, lastReplayedStart: null }).replay).toBeNull();
    expect(planScheduleCatchUp(feeder, PP, pp('2026-03-10T06:20:00'), { lastRunStartAt: null, lastReplayedStart: null })).toEqual({ replay: null, skipped: [] });
  });
});
