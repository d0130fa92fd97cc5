import { describe, expect, it } from 'vitest';
import { applyCoopInterlock, arbitrateOutput, type ArbitrationInput } from '../../src/automation/arbitration.js';
import type { ClimateDecision } from '../../src/automation/climate.js';
import type { ScheduleEvaluation } from '../../src/automation/schedule.js';
import { pp } from './fixtures.js';

const NOW = pp('2026-03-10T14:05:00');
const fan = { id: 'fan-2', name: 'fan 2', kind: 'fan', coopId: 'coop-1' };
const climateOn: ClimateDecision = {
  outputId: 'fan-2',
  on: true,
  cause: 'cooling',
  safety: false,
  reason: "fan 2 on: coop 1 at 33.1 °C > 32.0 °C, rule 'cooling', since 14:02",
  since: pp('2026-03-10T14:02:00'),
};
const scheduleOff: ScheduleEvaluation = { state: 'off', reason: "schedule 'night air' idle (window closed), next run 22:00", since: null, nextTransitionAt: pp('2026-03-10T22:00:00'), triggerAt: null };
const scheduleOn: ScheduleEvaluation = { state: 'on', reason: "schedule 'night air' run 1 since 14:00, until 14:10", since: pp('2026-03-10T14:00:00'), nextTransitionAt: pp('2026-03-10T14:10:00'), triggerAt: pp('2026-03-10T14:00:00') };

const all: ArbitrationInput = {
  output: fan,
  now: NOW,
  zone: 'Asia/Phnom_Penh',
  safety: { state: 'off', source: 'fail_safe', reason: 'node lost the controller, fail-safe off', since: pp('2026-03-10T14:04:00') },
  manual: { state: 'off', until: pp('2026-03-10T14:30:00'), setAt: pp('2026-03-10T14:03:00'), by: 'sokha' },
  climate: climateOn,
  schedules: [{ scheduleId: 's1', evaluation: scheduleOff }],
  defaultState: 'on',
};

describe('arbitrateOutput priority chain', () => {
  it('lets safety and fail-safe win over everything', () => {
    const d = arbitrateOutput(all);
    expect(d).toMatchObject({ state: 'off', source: 'fail_safe', reason: 'fan 2 off: node lost the controller, fail-safe off' });
    expect(d.explanation[0]).toMatch(/^▶ safety/);
    expect(d.explanation.filter((l) => l.startsWith('▶'))).toHaveLength(1);
  });

  it('lets a manual override win over climate, schedule and default until it expires', () => {
    const d = arbitrateOutput({ ...all, safety: null });
    expect(d).toMatchObject({ state: 'off', source: 'manual', until: pp('2026-03-10T14:30:00') });
    expect(d.reason).toBe('fan 2 off: manual by sokha until 14:30, since 14:03');
    const expired = arbitrateOutput({ ...all, safety: null, now: pp('2026-03-10T14:30:00') });
    expect(expired.source).toBe('climate');
    expect(expired.explanation).toContain('  manual: expired at 14:30');
  });

  it('lets the climate rule win over schedules, with its reason', () => {
    const d = arbitrateOutput({ ...all, safety: null, manual: null });
    expect(d).toMatchObject({ state: 'on', source: 'climate', reason: "fan 2 on: coop 1 at 33.1 °C > 32.0 °C, rule 'cooling', since 14:02", since: pp('2026-03-10T14:02:00') });
  });

  it('ranks climate safety cuts as interlock or max-on cut', () => {
    const interlock = arbitrateOutput({ ...all, safety: null, manual: null, climate: { ...climateOn, on: false, cause: 'interlock', safety: true } });
    expect(interlock.source).toBe('interlock');
    const cut = arbitrateOutput({ ...all, safety: null, manual: null, climate: { ...climateOn, on: false, cause: 'max_run', safety: true } });
    expect(cut.source).toBe('max_on_cut');
  });

  it('lets schedules win over the default, ON when any overlapping schedule is ON', () => {
    const d = arbitrateOutput({ ...all, safety: null, manual: null, climate: null, schedules: [{ scheduleId: 's1', evaluation: scheduleOff }, { scheduleId: 's2', evaluation: scheduleOn }] });
    expect(d).toMatchObject({ state: 'on', source: 'schedule', until: pp('2026-03-10T14:10:00') });
    expect(d.reason).toContain("schedule 'night air' run 1");
    const off = arbitrateOutput({ ...all, safety: null, manual: null, climate: null });
    expect(off).toMatchObject({ state: 'off', source: 'schedule' });
  });

  it('falls back to the default with nothing else, and explains every layer', () => {
    const d = arbitrateOutput({ output: fan, now: NOW, zone: 'Asia/Phnom_Penh' });
    expect(d).toMatchObject({ state: 'off', source: 'default', reason: 'fan 2 off: nothing asks for it (default)' });
    expect(d.explanation).toEqual(['  safety: none', '  manual: none', '  climate: no rule for this output', '  schedules: none', '▶ default: off']);
  });

  it('runs a catch-up late run as a schedule, and blocks schedules the house mode forbids', () => {
    const late = arbitrateOutput({ output: fan, now: NOW, zone: 'Asia/Phnom_Penh', schedules: [{ scheduleId: 's1', evaluation: scheduleOff }], catchUp: { start: NOW, end: NOW + 60_000, reason: 'late run' } });
    expect(late).toMatchObject({ state: 'on', source: 'schedule', until: NOW + 60_000 });
    const blocked = arbitrateOutput({ output: fan, now: NOW, zone: 'Asia/Phnom_Penh', schedules: [{ scheduleId: 's1', evaluation: scheduleOn }], schedulesBlockedBy: 'house mode empty' });
    expect(blocked).toMatchObject({ state: 'off', source: 'schedule' });
  });
});

describe('applyCoopInterlock', () => {
  const outputs = new Map([
    ['fan-2', fan],
    ['heater-1', { id: 'heater-1', name: 'heater 1', kind: 'heater', coopId: 'coop-1' }],
    ['heater-9', { id: 'heater-9', name: 'heater 9', kind: 'heater', coopId: 'coop-9' }],
  ]);
  const heater = (id: string, source: 'climate' | 'manual') => ({ outputId: id, state: 'on' as const, source, reason: 'x', since: null, until: null, explanation: ['▶ climate: x'] });

  it('switches off a climate heater that meets a manual fan in the same coop, not elsewhere, not a manual one', () => {
    const fanOn = { outputId: 'fan-2', state: 'on' as const, source: 'manual' as const, reason: 'fan 2 on: manual', since: null, until: null, explanation: [] };
    const result = applyCoopInterlock([fanOn, heater('heater-1', 'climate'), heater('heater-9', 'climate')], outputs);
    expect(result[1]).toMatchObject({ state: 'off', source: 'interlock', reason: 'heater 1 off: interlock, a fan of the coop is on' });
    expect(result[2]!.state).toBe('on');
    expect(applyCoopInterlock([fanOn, heater('heater-1', 'manual')], outputs)[1]!.state).toBe('on');
  });
});
