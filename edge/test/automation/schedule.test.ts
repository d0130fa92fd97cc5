import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSchedule } from '../../src/automation/schedule.js';
import { conveyorSchedule, feederSchedule, makeSchedule, pp } from './fixtures.js';

const PP = 'Asia/Phnom_Penh';
const MIN = 60_000;
const HOUR = 3_600_000;

describe('evaluateSchedule: cycle (the original feeder and conveyor)', () => {
  const feeder = feederSchedule();

  it('runs the feeder 8 minutes from 06:00 and rests 4 hours, three times a day', () => {
    expect(evaluateSchedule(feeder, pp('2026-03-10T05:59:59'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-10T06:00:00') });
    const first = evaluateSchedule(feeder, pp('2026-03-10T06:00:00'), PP);
    expect(first).toMatchObject({ state: 'on', since: pp('2026-03-10T06:00:00'), nextTransitionAt: pp('2026-03-10T06:08:00') });
    expect(first.reason).toContain('run 1 of 3');
    expect(evaluateSchedule(feeder, pp('2026-03-10T06:08:00'), PP)).toMatchObject({ state: 'off', since: pp('2026-03-10T06:08:00'), nextTransitionAt: pp('2026-03-10T10:08:00') });
    expect(evaluateSchedule(feeder, pp('2026-03-10T10:10:00'), PP).reason).toContain('run 2 of 3');
    expect(evaluateSchedule(feeder, pp('2026-03-10T14:20:00'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T14:24:00') });
    // After the third run nothing until tomorrow 06:00, not another 4 h later.
    expect(evaluateSchedule(feeder, pp('2026-03-10T18:24:00'), PP)).toMatchObject({ state: 'off', since: pp('2026-03-10T14:24:00'), nextTransitionAt: pp('2026-03-11T06:00:00') });
  });

  it('runs the conveyor at 08:00, 10:10, 12:20 and 14:30 for 10 minutes each', () => {
    const conveyor = conveyorSchedule();
    const starts: number[] = [];
    let t = pp('2026-03-10T00:00:00');
    while (t < pp('2026-03-11T00:00:00')) {
      const e = evaluateSchedule(conveyor, t, PP);
      if (e.state === 'on') {
        starts.push(t);
        expect(e.nextTransitionAt! - t).toBe(10 * MIN);
      }
      t = e.nextTransitionAt!;
    }
    expect(starts).toEqual(['08:00', '10:10', '12:20', '14:30'].map((hm) => pp(`2026-03-10T${hm}:00`)));
  });

  it('crosses midnight: a late cycle keeps running into the next day', () => {
    const late = feederSchedule({ startTime: '23:55', runSeconds: 600, offSeconds: 600, repeat: 2 });
    expect(evaluateSchedule(late, pp('2026-03-10T23:59:59'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-11T00:05:00') });
    expect(evaluateSchedule(late, pp('2026-03-11T00:00:00'), PP)).toMatchObject({ state: 'on', since: pp('2026-03-10T23:55:00') });
    expect(evaluateSchedule(late, pp('2026-03-11T00:10:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-11T00:15:00') });
    expect(evaluateSchedule(late, pp('2026-03-11T00:20:00'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-11T00:25:00') });
  });

  it('skips weekdays not chosen (Monday and Thursday only)', () => {
    const twice = feederSchedule({ weekdays: [1, 4] });
    // 2026-03-10 is a Tuesday: the next run is Thursday 06:00.
    expect(evaluateSchedule(twice, pp('2026-03-10T06:05:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-12T06:00:00') });
    expect(evaluateSchedule(twice, pp('2026-03-12T06:05:00'), PP).state).toBe('on');
  });

  it('restarts inside a range with only the remaining time (pure evaluation after a reboot)', () => {
    const e = evaluateSchedule(feeder, pp('2026-03-10T06:05:30'), PP);
    expect(e).toMatchObject({ state: 'on', since: pp('2026-03-10T06:00:00'), nextTransitionAt: pp('2026-03-10T06:08:00') });
  });

  it('is off with no transition when disabled', () => {
    expect(evaluateSchedule(feederSchedule({ enabled: false }), pp('2026-03-10T06:01:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: null });
  });
});

describe('evaluateSchedule: cron', () => {
  it('switches on at each match and off after the auto-off duration', () => {
    const tank = makeSchedule({ type: 'cron', cron: '0 6,18 * * *', action: { autoOffSeconds: 1200 } });
    expect(evaluateSchedule(tank, pp('2026-03-10T18:10:00'), PP)).toMatchObject({ state: 'on', since: pp('2026-03-10T18:00:00'), nextTransitionAt: pp('2026-03-10T18:20:00') });
    expect(evaluateSchedule(tank, pp('2026-03-10T18:20:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-11T06:00:00') });
  });

  it('plays an ON/OFF step sequence that ends OFF (pulse feeding)', () => {
    const pulse = makeSchedule({
      type: 'cron',
      cron: '0 6,12,18 * * *',
      action: { steps: [{ state: 'on', seconds: 30 }, { state: 'off', seconds: 10 }, { state: 'on', seconds: 30 }, { state: 'off', seconds: 10 }] },
    });
    const at = (s: number) => evaluateSchedule(pulse, pp('2026-03-10T12:00:00') + s * 1000, PP);
    expect(at(0)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T12:00:30') });
    expect(at(35)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-10T12:00:40') });
    expect(at(45).reason).toContain('step 3 of 4');
    expect(at(75)).toMatchObject({ state: 'off', since: pp('2026-03-10T12:01:10'), nextTransitionAt: pp('2026-03-10T18:00:00') });
  });

  it('restarts a running sequence when it is triggered again', () => {
    const long = makeSchedule({ type: 'cron', cron: '*/10 * * * *', action: { steps: [{ state: 'on', seconds: 420 }, { state: 'off', seconds: 60 }, { state: 'on', seconds: 600 }, { state: 'off', seconds: 1 }] } });
    // 00:08 is in step 2 (OFF); the second ON step would run to 00:18 but 00:10 restarts step 1.
    expect(evaluateSchedule(long, pp('2026-03-10T00:08:30'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T00:17:00') });
    expect(evaluateSchedule(long, pp('2026-03-10T00:10:00'), PP).reason).toContain('step 1 of 4');
  });

  it('merges touching ON steps into one ON period', () => {
    const touching = makeSchedule({ type: 'cron', cron: '0 6 * * *', action: { steps: [{ state: 'on', seconds: 60 }, { state: 'on', seconds: 60 }, { state: 'off', seconds: 5 }] } });
    expect(evaluateSchedule(touching, pp('2026-03-10T06:00:10'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T06:02:00') });
    expect(evaluateSchedule(touching, pp('2026-03-10T06:01:30'), PP)).toMatchObject({ since: pp('2026-03-10T06:00:00') });
  });

  it('honours weekdays on top of the cron expression', () => {
    const weekends = makeSchedule({ type: 'cron', cron: '0 7 * * *', weekdays: [0, 6], action: { autoOffSeconds: 60 } });
    // Tuesday 2026-03-10 → Saturday 2026-03-14.
    expect(evaluateSchedule(weekends, pp('2026-03-10T08:00:00'), PP).nextTransitionAt).toBe(pp('2026-03-14T07:00:00'));
    expect(evaluateSchedule(weekends, pp('2026-03-14T07:00:30'), PP).state).toBe('on');
  });
});

describe('evaluateSchedule: duty cycle inside a daily window', () => {
  it('cycles 5 min ON / 2 h OFF between 06:00 and 18:00 only', () => {
    const pump = makeSchedule({ type: 'duty', windowStart: '06:00', windowEnd: '18:00', onSeconds: 300, offSeconds: 7200, repeat: null });
    // Starts 06:00, 08:05, 10:10, 12:15, 14:20, 16:25; 18:30 would be outside the window.
    expect(evaluateSchedule(pump, pp('2026-03-10T16:06:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-10T16:25:00') });
    expect(evaluateSchedule(pump, pp('2026-03-10T16:26:00'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T16:30:00') });
    expect(evaluateSchedule(pump, pp('2026-03-10T16:30:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-11T06:00:00') });
  });

  it('cuts an ON period at the window end and spans midnight for an overnight window', () => {
    const night = makeSchedule({ type: 'duty', windowStart: '22:00', windowEnd: '00:30', onSeconds: 1200, offSeconds: 600, repeat: null });
    // 22:00, 22:30, 23:00, 23:30, 00:00 (cut at 00:20? no: 20 min ON ends 00:20), next would be 00:30 = window end.
    expect(evaluateSchedule(night, pp('2026-03-10T23:59:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-11T00:00:00') });
    expect(evaluateSchedule(night, pp('2026-03-11T00:10:00'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-11T00:20:00') });
    expect(evaluateSchedule(night, pp('2026-03-11T00:25:00'), PP)).toMatchObject({ state: 'off', nextTransitionAt: pp('2026-03-11T22:00:00') });
    const cut = makeSchedule({ type: 'duty', windowStart: '10:00', windowEnd: '10:25', onSeconds: 600, offSeconds: 300, repeat: null });
    expect(evaluateSchedule(cut, pp('2026-03-10T10:20:00'), PP)).toMatchObject({ state: 'on', nextTransitionAt: pp('2026-03-10T10:25:00') });
  });

  it('stops after the repeat count', () => {
    const counted = makeSchedule({ type: 'duty', windowStart: '06:00', windowEnd: '18:00', onSeconds: 600, offSeconds: 900, repeat: 2 });
    expect(evaluateSchedule(counted, pp('2026-03-10T06:40:00'), PP)).toMatchObject({ state: 'off', since: pp('2026-03-10T06:35:00'), nextTransitionAt: pp('2026-03-11T06:00:00') });
  });
});

describe('evaluateSchedule across a DST change (Europe/Berlin)', () => {
  const BER = 'Europe/Berlin';

  it('starts a 02:30 run after the spring-forward gap and keeps its real length', () => {
    const s = feederSchedule({ startTime: '02:30', runSeconds: 3600, offSeconds: 600, repeat: 1 });
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist; the run starts at 03:30 local.
    const start = Date.parse('2026-03-29T01:30:00Z');
    expect(evaluateSchedule(s, start - 1, BER)).toMatchObject({ state: 'off', nextTransitionAt: start });
    expect(evaluateSchedule(s, start, BER)).toMatchObject({ state: 'on', nextTransitionAt: start + HOUR });
  });

  it('runs a 02:30 schedule once on the fall-back night, at the first 02:30', () => {
    const s = feederSchedule({ startTime: '02:30', runSeconds: 600, offSeconds: 600, repeat: 1 });
    const first = Date.parse('2026-10-25T00:30:00Z'); // 02:30 CEST
    expect(evaluateSchedule(s, first + MIN, BER).state).toBe('on');
    expect(evaluateSchedule(s, first + HOUR + MIN, BER)).toMatchObject({ state: 'off', nextTransitionAt: Date.parse('2026-10-26T01:30:00Z') });
  });

  it('measures cycle lengths in real time across the fall-back hour', () => {
    const s = feederSchedule({ startTime: '01:00', runSeconds: 600, offSeconds: 3000, repeat: 4 });
    const starts: number[] = [];
    let t = Date.parse('2026-10-24T22:00:00Z');
    while (t < Date.parse('2026-10-25T06:00:00Z')) {
      const e = evaluateSchedule(s, t, BER);
      if (e.state === 'on') starts.push(t);
      t = e.nextTransitionAt!;
    }
    expect(starts.map((x, i) => (i ? x - starts[i - 1]! : 0))).toEqual([0, HOUR, HOUR, HOUR]);
  });
});

describe('evaluateSchedule properties', () => {
  const zones = fc.constantFrom('Asia/Phnom_Penh', 'Europe/Berlin', 'America/New_York');
  const schedules = fc.oneof(
    fc.record({
      type: fc.constant('cycle'),
      startTime: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
      runSeconds: fc.integer({ min: 1, max: 7200 }),
      offSeconds: fc.integer({ min: 1, max: 20_000 }),
      repeat: fc.integer({ min: 1, max: 10 }),
      weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    }),
    fc.record({
      type: fc.constant('duty'),
      windowStart: fc.constantFrom('00:00', '06:00', '22:00', '23:59'),
      windowEnd: fc.constantFrom('00:30', '12:00', '18:00', '23:58'),
      onSeconds: fc.integer({ min: 1, max: 4000 }),
      offSeconds: fc.integer({ min: 1, max: 4000 }),
      repeat: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
      weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    }),
    fc.record({
      type: fc.constant('cron'),
      cron: fc.constantFrom('0 6 * * *', '*/15 * * * *', '30 2 * * 0', '0 0 1 * *', '5 */3 * * 1-5'),
      action: fc.oneof(
        fc.record({ autoOffSeconds: fc.integer({ min: 1, max: 5000 }) }),
        fc.array(fc.record({ state: fc.constantFrom('on' as const, 'off' as const), seconds: fc.integer({ min: 1, max: 900 }) }), { minLength: 0, maxLength: 4 })
          .map((steps) => ({ steps: [...steps, { state: 'off' as const, seconds: 5 }] })),
      ),
      weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    }),
  );
  const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });

  it('puts the next transition in the future, keeps the state until then and changes it there', () => {
    fc.assert(
      fc.property(schedules, zones, instants, fc.double({ min: 0, max: 1, noNaN: true }), (fields, zone, now, probe) => {
        const schedule = makeSchedule(fields);
        const e = evaluateSchedule(schedule, now, zone);
        if (e.since !== null) expect(e.since).toBeLessThanOrEqual(now);
        if (e.nextTransitionAt === null) return;
        expect(e.nextTransitionAt).toBeGreaterThan(now);
        const inside = now + Math.floor((e.nextTransitionAt - now - 1) * probe);
        expect(evaluateSchedule(schedule, inside, zone).state).toBe(e.state);
        expect(evaluateSchedule(schedule, e.nextTransitionAt - 1, zone).state).toBe(e.state);
        const after = evaluateSchedule(schedule, e.nextTransitionAt, zone);
        // A recheck horizon keeps the state; a real transition flips it.
        if (after.state === e.state) expect(e.nextTransitionAt - now).toBeGreaterThan(60 * MIN);
        else expect(after.since).toBe(e.nextTransitionAt);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateSchedule with input it cannot run', () => {
  it('keeps an output off with the reason instead of throwing on a cron croner rejects', () => {
    const bad = makeSchedule({ type: 'cron', cron: '99 * * * *', action: { autoOffSeconds: 60 } });
    const e = evaluateSchedule(bad, pp('2026-03-10T06:00:00'), PP);
    expect(e).toMatchObject({ state: 'off', nextTransitionAt: null });
    expect(e.reason).toContain('invalid cron expression');
    expect(evaluateSchedule(feederSchedule(), pp('2026-03-10T06:00:00'), 'Mars/Olympus').reason).toContain('unknown time zone');
  });
});
