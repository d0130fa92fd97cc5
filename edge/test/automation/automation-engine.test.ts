import { EventSchema, type Event, type Reading } from '@tokkatot/shared';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { AutomationConfigError, AutomationEngine } from '../../src/automation/automation-engine.js';
import { MemoryAutomationStore, type AutomationStore } from '../../src/automation/automation-store.js';
import type { FarmAutomationConfig } from '../../src/automation/farm-config.js';
import { FakeClock, feederSchedule, makeFlock, makeRule, makeSchedule, pp } from './fixtures.js';

const PP = 'Asia/Phnom_Penh';

function farmConfig(extra: Partial<FarmAutomationConfig> = {}): FarmAutomationConfig {
  return {
    farmId: 'farm-1',
    zone: PP,
    coops: [
      {
        id: 'coop-1',
        name: 'coop 1',
        flock: null,
        climate: makeRule({ minimumVentilation: { outputIds: ['fan-1'], cycleSeconds: 600, minOnPercent: 10, maxOnPercent: 60, rampSpanC: 2 } }),
        temperatureSensors: [{ id: 't1', name: 'north' }, { id: 't2', name: 'south' }],
        humiditySensors: [],
        water: { sensorId: 'w1', name: 'tank', halfFullRaw: 2000 },
      },
    ],
    outputs: [
      { id: 'fan-1', name: 'fan 1', kind: 'fan', coopId: 'coop-1' },
      { id: 'fan-2', name: 'fan 2', kind: 'fan', coopId: 'coop-1' },
      { id: 'heater-1', name: 'heater 1', kind: 'heater', coopId: 'coop-1' },
      { id: 'feeder-1', name: 'feeder', kind: 'feeder', coopId: 'coop-1' },
    ],
    schedules: [feederSchedule()],
    nodes: [{ nodeId: 'node-1', name: 'node 1', coopId: 'coop-1' }],
    alarms: DEFAULT_ALARM_SETTINGS,
    catchUpGraceSeconds: 1800,
    sensorMaxDeviationC: 3,
    defaultSensorStaleSeconds: 120,
    ...extra,
  };
}

class Harness {
  readonly events: Event[] = [];
  readonly siren: boolean[] = [];
  readonly engine: AutomationEngine;
  constructor(readonly clock: FakeClock, readonly store: AutomationStore = new MemoryAutomationStore(), config = farmConfig()) {
    let n = 0;
    this.engine = new AutomationEngine(config, clock, store, { set: (on) => this.siren.push(on) }, { eventRecorded: (e) => this.events.push(e) }, () => `01J${String(++n).padStart(23, '0')}`);
  }
  temp(sensorId: string, value: number | null): void {
    const reading: Reading = value === null ? { sensorId, ts: this.clock.now(), status: 'failed', failure: 'no_response' } : { sensorId, ts: this.clock.now(), status: 'ok', value };
    this.engine.ingestReading(reading);
  }
  state(outputId: string): string | undefined {
    return this.engine.explain(outputId)?.state;
  }
  changes(outputId: string) {
    return this.events.flatMap((e) => (e.type === 'output_changed' && e.outputId === outputId ? [{ at: e.ts, state: e.state, source: e.source }] : []));
  }
  alarms(type: string) {
    return this.events.filter((e) => e.type === type).map((e) => ('kind' in e ? e.kind : null));
  }
}

const engines: AutomationEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.stop();
});
function start(h: Harness): Harness {
  engines.push(h.engine);
  h.engine.start();
  return h;
}

describe('AutomationEngine: schedules with one timer', () => {
  it('runs the feeder day from a single timer, firing exactly at each transition', () => {
    const clock = new FakeClock(pp('2026-03-10T05:00:00'));
    const h = start(new Harness(clock));
    expect(clock.pending).toBe(1);
    clock.advanceTo(pp('2026-03-11T07:00:00'));
    expect(clock.pending).toBe(1);
    const feeder = h.changes('feeder-1');
    expect(feeder.map((c) => [new Date(c.at).toISOString(), c.state])).toEqual([
      ['2026-03-09T22:00:00.000Z', 'off'],
      ['2026-03-09T23:00:00.000Z', 'on'],
      ['2026-03-09T23:08:00.000Z', 'off'],
      ['2026-03-10T03:08:00.000Z', 'on'],
      ['2026-03-10T03:16:00.000Z', 'off'],
      ['2026-03-10T07:16:00.000Z', 'on'],
      ['2026-03-10T07:24:00.000Z', 'off'],
      ['2026-03-10T23:00:00.000Z', 'on'],
      ['2026-03-10T23:08:00.000Z', 'off'],
    ]);
    expect(h.engine.explain('feeder-1')!.reason).toContain("schedule 'Feeder'");
  });

  it('resumes a run after a restart in its middle with only the remaining time', () => {
    const clock = new FakeClock(pp('2026-03-10T05:59:00'));
    const store = new MemoryAutomationStore();
    const first = start(new Harness(clock, store));
    clock.advanceTo(pp('2026-03-10T06:03:00'));
    expect(first.state('feeder-1')).toBe('on');
    first.engine.stop(); // power cut
    clock.advanceTo(pp('2026-03-10T06:05:00'));
    const second = start(new Harness(clock, store));
    expect(second.engine.explain('feeder-1')).toMatchObject({ state: 'on', since: pp('2026-03-10T06:00:00'), until: pp('2026-03-10T06:08:00') });
    clock.advanceTo(pp('2026-03-10T06:08:00'));
    expect(second.state('feeder-1')).toBe('off');
  });

  it('replays a run missed during a power cut late, once, and resumes the replay after a second cut', () => {
    const clock = new FakeClock(pp('2026-03-09T14:20:00'));
    const store = new MemoryAutomationStore();
    start(new Harness(clock, store)).engine.stop(); // saw yesterday's 14:16 run
    clock.advanceTo(pp('2026-03-10T06:20:00'));
    const after = start(new Harness(clock, store));
    expect(after.engine.explain('feeder-1')).toMatchObject({ state: 'on', source: 'schedule', until: pp('2026-03-10T06:28:00') });
    expect(after.engine.explain('feeder-1')!.reason).toContain('late run for 06:00');
    after.engine.stop();
    clock.advanceTo(pp('2026-03-10T06:25:00'));
    const again = start(new Harness(clock, store));
    expect(again.engine.explain('feeder-1')).toMatchObject({ state: 'on', until: pp('2026-03-10T06:28:00') });
    clock.advanceTo(pp('2026-03-10T06:28:00'));
    expect(again.state('feeder-1')).toBe('off');
    again.engine.stop();
    const third = start(new Harness(clock, store));
    expect(third.state('feeder-1')).toBe('off');
  });

  it('runs schedules in a DST zone across the spring-forward night', () => {
    const clock = new FakeClock(Date.parse('2026-03-28T12:00:00Z'));
    const config = farmConfig({ zone: 'Europe/Berlin', schedules: [feederSchedule({ startTime: '02:30', runSeconds: 600, offSeconds: 3600, repeat: 2 })] });
    const h = start(new Harness(clock, new MemoryAutomationStore(), config));
    clock.advanceTo(Date.parse('2026-03-29T06:00:00Z'));
    expect(h.changes('feeder-1').filter((c) => c.state === 'on').map((c) => new Date(c.at).toISOString())).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:40:00.000Z',
    ]);
  });
});

describe('AutomationEngine: climate, overrides and alarms', () => {
  it('stops heating when the reading goes stale mid-heating, raises the alarm and keeps minimum ventilation', () => {
    const clock = new FakeClock(pp('2026-03-10T14:00:00'));
    const h = start(new Harness(clock));
    for (let t = pp('2026-03-10T14:00:00'); t <= pp('2026-03-10T14:05:00'); t += 20_000) {
      clock.advanceTo(t);
      h.temp('t1', 25);
      h.temp('t2', 25.4);
    }
    // The minimum-ventilation ON part (14:00–14:01) paused the heater; it has heated since.
    expect(h.engine.explain('heater-1')).toMatchObject({ state: 'on', source: 'climate', since: pp('2026-03-10T14:01:00') });
    // Nothing new after 14:05:00: stale 60 s later, without any reading arriving.
    clock.advanceTo(pp('2026-03-10T14:06:00'));
    expect(h.state('heater-1')).toBe('on');
    clock.advanceTo(pp('2026-03-10T14:06:00') + 1);
    expect(h.state('heater-1')).toBe('off');
    expect(h.engine.explain('heater-1')!.reason).toContain('never heat without a reading');
    clock.advanceTo(pp('2026-03-10T14:06:40'));
    expect(h.alarms('alarm_raised')).toContain('sensor_loss_emergency');
    expect(h.siren.at(-1)).toBe(true);
    clock.advanceTo(pp('2026-03-10T14:20:30'));
    const fanOn = h.changes('fan-1').filter((c) => c.state === 'on').map((c) => c.at);
    expect(fanOn).toEqual(expect.arrayContaining([pp('2026-03-10T14:10:00'), pp('2026-03-10T14:20:00')]));
    expect(h.changes('heater-1').filter((c) => c.at > pp('2026-03-10T14:06:00') && c.state === 'on')).toEqual([]);
    for (const e of h.events) expect(() => EventSchema.parse(e)).not.toThrow();
  });

  it('excludes a sensor that reads a failed 0 °C-style value and keeps heating off it', () => {
    const clock = new FakeClock(pp('2026-03-10T14:00:00'));
    const h = start(new Harness(clock));
    h.temp('t1', 30);
    h.temp('t2', null);
    expect(h.engine.getCoopEvaluation('coop-1')!.temperature.value).toBe(30);
    expect(h.events.some((e) => e.type === 'node_fault' && e.summary.includes('t2'))).toBe(true);
    expect(h.state('heater-1')).toBe('off');
  });

  it('lets a manual override win until its expiry, then hands back to the climate rule', () => {
    const clock = new FakeClock(pp('2026-03-10T14:00:00'));
    const h = start(new Harness(clock));
    h.temp('t1', 33.1);
    h.temp('t2', 33.1);
    expect(h.engine.explain('fan-2')).toMatchObject({ state: 'off', source: 'climate' });
    h.engine.setManualOverride('fan-2', { state: 'on', until: pp('2026-03-10T14:10:00'), setAt: clock.now(), by: 'sokha' });
    expect(h.engine.explain('fan-2')).toMatchObject({ state: 'on', source: 'manual' });
    clock.advanceTo(pp('2026-03-10T14:09:59'));
    h.temp('t1', 33.1);
    h.temp('t2', 33.1);
    expect(h.state('fan-2')).toBe('on');
    clock.advanceTo(pp('2026-03-10T14:10:00'));
    expect(h.engine.explain('fan-2')).toMatchObject({ state: 'off', source: 'climate' });
    expect((h.store as MemoryAutomationStore).state.overrides).toEqual({});
  });

  it('raises the water alarm after one continuous minute, silences, acknowledges and clears it', () => {
    const clock = new FakeClock(pp('2026-03-10T14:00:00'));
    const h = start(new Harness(clock));
    h.temp('t1', 30);
    h.temp('t2', 30);
    h.temp('w1', 1500);
    clock.advanceBy(59_000);
    h.temp('t1', 30);
    h.temp('t2', 30);
    h.temp('w1', 1500);
    expect(h.alarms('alarm_raised')).toEqual([]);
    clock.advanceBy(1_000);
    expect(h.alarms('alarm_raised')).toEqual(['water_low']);
    expect(h.siren.at(-1)).toBe(true);
    h.engine.silenceSiren(clock.now() + 60_000);
    expect(h.siren.at(-1)).toBe(false);
    const alarm = h.engine.getActiveAlarms()[0]!.alarm!;
    expect(h.engine.acknowledge(alarm.id, 'sokha')).toBe(true);
    expect(h.alarms('alarm_acknowledged')).toEqual(['water_low']);
    h.temp('w1', 2500);
    expect(h.alarms('alarm_cleared')).toEqual(['water_low']);
    expect(h.engine.getActiveAlarms()).toEqual([]);
    for (const e of h.events) expect(() => EventSchema.parse(e)).not.toThrow();
  });

  it('sounds the siren for the scheduled alarm test and stops it by itself', () => {
    const clock = new FakeClock(pp('2026-03-09T08:59:00')); // a Monday
    const h = start(new Harness(clock, new MemoryAutomationStore(), farmConfig({ alarms: { ...DEFAULT_ALARM_SETTINGS, test: { cron: '0 9 * * 1', durationSeconds: 30 } } })));
    h.temp('t1', 30);
    h.temp('t2', 30);
    expect(h.siren.at(-1)).toBe(false);
    clock.advanceTo(pp('2026-03-09T09:00:00'));
    h.temp('t1', 30);
    h.temp('t2', 30);
    expect(h.siren.at(-1)).toBe(true);
    expect(h.alarms('alarm_raised')).toEqual(['alarm_test']);
    clock.advanceTo(pp('2026-03-09T09:00:30'));
    expect(h.siren.at(-1)).toBe(false);
    expect(h.alarms('alarm_cleared')).toEqual(['alarm_test']);
  });

  it('raises node offline by the timer alone, and an output that does not confirm its command', () => {
    const clock = new FakeClock(pp('2026-03-10T14:00:00'));
    const h = start(new Harness(clock));
    h.engine.reportNodeSeen('node-1', clock.now());
    h.engine.reportOutputState('feeder-1', true, clock.now());
    clock.advanceBy(31_000);
    expect(h.alarms('alarm_raised')).toContain('output_unconfirmed');
    clock.advanceBy(90_000);
    expect(h.alarms('alarm_raised')).toContain('node_offline');
  });

  it('blocks the feeder schedule in an empty house and moves the curve target on at midnight', () => {
    const clock = new FakeClock(pp('2026-03-10T23:00:00'));
    const config = farmConfig();
    config.coops[0]!.flock = makeFlock({ placedOn: '2026-03-04' });
    config.coops[0]!.climate = makeRule({ target: 'curve' });
    const h = start(new Harness(clock, new MemoryAutomationStore(), config));
    expect(h.engine.getCoopEvaluation('coop-1')).toMatchObject({ growthDay: 6 });
    clock.advanceTo(pp('2026-03-11T00:00:00'));
    expect(h.engine.getCoopEvaluation('coop-1')).toMatchObject({ growthDay: 7, targetC: 30 });
    const empty = farmConfig();
    empty.coops[0]!.flock = makeFlock({ houseMode: 'empty' });
    h.engine.updateConfig(empty);
    clock.advanceTo(pp('2026-03-11T06:01:00'));
    expect(h.engine.explain('feeder-1')).toMatchObject({ state: 'off', source: 'schedule' });
    expect(h.engine.explain('feeder-1')!.reason).toContain('house mode empty');
  });
});

describe('AutomationEngine properties', () => {
  it('never has the heater ON by the rules while the combined reading is missing or stale, nor with a fan', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('reading' as const), sensor: fc.constantFrom('t1', 't2'), value: fc.option(fc.double({ min: 15, max: 40, noNaN: true }), { nil: null }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const clock = new FakeClock(pp('2026-03-10T14:00:00'));
        const h = new Harness(clock);
        h.engine.start();
        try {
          for (const o of ops) {
            if (o.kind === 'reading') h.temp(o.sensor, o.value);
            else clock.advanceBy(o.ms);
            const heaterOn = h.state('heater-1') === 'on';
            if (heaterOn) {
              expect(h.engine.getCoopEvaluation('coop-1')!.temperature.value).not.toBeNull();
              expect(h.state('fan-1') === 'on' || h.state('fan-2') === 'on').toBe(false);
            }
            expect(clock.pending).toBe(1);
          }
        } finally {
          h.engine.stop();
        }
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('AutomationEngine: configuration', () => {
  it('refuses a configuration with a bad cron, an unknown output or a foreign coop, keeping the old one', () => {
    const clock = new FakeClock(pp('2026-03-10T06:01:00'));
    const h = start(new Harness(clock));
    const bad = farmConfig({ schedules: [feederSchedule({ outputId: 'ghost-1' }), makeSchedule({ id: 'c', type: 'cron', cron: '61 * * * *', action: { autoOffSeconds: 5 } })] });
    bad.coops[0]!.climate = makeRule({ heaterStages: [{ outputId: 'fan-2', onBelowC: 0 }], fanStages: [] });
    let error: unknown;
    try {
      h.engine.updateConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AutomationConfigError);
    expect((error as AutomationConfigError).code).toBe('AUTOMATION_CONFIG_INVALID');
    expect((error as AutomationConfigError).problems).toEqual([
      'schedule sched-1 drives unknown output ghost-1',
      'schedule c: invalid cron expression "61 * * * *": CronPattern: Invalid value for minute: 61',
      'heater stage fan-2 is not a heater',
    ]);
    expect(h.state('feeder-1')).toBe('on');
  });

  it('recomputes at once on a configuration change and explains every output', () => {
    const clock = new FakeClock(pp('2026-03-10T06:01:00'));
    const h = start(new Harness(clock));
    expect(h.state('feeder-1')).toBe('on');
    h.engine.updateConfig(farmConfig({ schedules: [feederSchedule({ enabled: false })] }));
    expect(h.engine.explain('feeder-1')).toMatchObject({ state: 'off', source: 'schedule' });
    for (const d of h.engine.getDecisions()) {
      expect(d.reason.length).toBeGreaterThan(10);
      expect(d.explanation.filter((l) => l.startsWith('▶'))).toHaveLength(1);
    }
  });

  it('keeps an output on while any of two overlapping schedules is on', () => {
    const clock = new FakeClock(pp('2026-03-10T05:00:00'));
    const config = farmConfig({
      schedules: [feederSchedule(), makeSchedule({ id: 'sched-2', name: 'Extra', type: 'cron', cron: '5 6 * * *', action: { autoOffSeconds: 600 } })],
    });
    const h = start(new Harness(clock, new MemoryAutomationStore(), config));
    clock.advanceTo(pp('2026-03-10T07:00:00'));
    expect(h.changes('feeder-1').slice(1).map((c) => [new Date(c.at).toISOString(), c.state])).toEqual([
      ['2026-03-09T23:00:00.000Z', 'on'],
      ['2026-03-09T23:15:00.000Z', 'off'],
    ]);
  });
});
