import { EventSchema } from '@tokkatot/shared';
import { describe, expect, it } from 'vitest';
import { collectAlarmConditions, DEFAULT_ALARM_SETTINGS, type FarmAlarmSnapshot } from '../../src/automation/alarm-conditions.js';
import { acknowledgeAlarm, decideSiren, stepAlarm, type AlarmCondition, type AlarmTrack } from '../../src/automation/alarm-lifecycle.js';
import { pp } from './fixtures.js';

const T0 = pp('2026-03-10T14:00:00');
let seq = 0;
const ctx = (now: number) => ({ farmId: 'farm-1', now, newId: () => `01J0000000000000000000${String(++seq).padStart(4, '0')}` });
const water = (active: boolean): AlarmCondition => ({
  key: 'water_low:w1',
  kind: 'water_low',
  coopId: 'coop-1',
  subjectId: 'w1',
  active,
  severity: 'warning',
  message: 'coop 1: water level below half for 60 s',
  delayMs: 60_000,
  reminderMs: 600_000,
  siren: true,
});

describe('stepAlarm', () => {
  it('raises only after the condition held continuously for its delay (water: one minute)', () => {
    let track: AlarmTrack | undefined;
    let r = stepAlarm(track, water(true), ctx(T0));
    expect(r.events).toEqual([]);
    expect(r.nextEvaluationAt).toBe(T0 + 60_000);
    // Back above half at 30 s: the minute starts over.
    r = stepAlarm(r.track, water(false), ctx(T0 + 30_000));
    r = stepAlarm(r.track, water(true), ctx(T0 + 40_000));
    r = stepAlarm(r.track, water(true), ctx(T0 + 60_000));
    expect(r.events).toEqual([]);
    r = stepAlarm(r.track, water(true), ctx(T0 + 100_000));
    expect(r.events.map((e) => e.type)).toEqual(['alarm_raised']);
    expect(() => EventSchema.parse(r.events[0])).not.toThrow();
    track = r.track;
    expect(track.alarm).toMatchObject({ state: 'raised', raisedAt: T0 + 100_000 });
  });

  it('reminds while unacknowledged, stops reminding once acknowledged, clears by itself', () => {
    let r = stepAlarm(undefined, { ...water(true), delayMs: 0 }, ctx(T0));
    expect(r.nextEvaluationAt).toBe(T0 + 600_000);
    r = stepAlarm(r.track, water(true), ctx(T0 + 600_000));
    expect(r.events.map((e) => e.type)).toEqual(['alarm_reminded']);
    const ack = acknowledgeAlarm(r.track, 'sokha', ctx(T0 + 601_000));
    expect(ack.events[0]).toMatchObject({ type: 'alarm_acknowledged', actorId: 'sokha' });
    expect(acknowledgeAlarm(ack.track, 'sokha', ctx(T0 + 602_000)).events).toEqual([]);
    r = stepAlarm(ack.track, water(true), ctx(T0 + 1_300_000));
    expect(r.events).toEqual([]);
    r = stepAlarm(r.track, water(false), ctx(T0 + 1_400_000));
    expect(r.events.map((e) => e.type)).toEqual(['alarm_cleared']);
    expect(r.track.alarm).toBeNull();
  });
});

describe('decideSiren', () => {
  const raised = (at: number, extra: Partial<NonNullable<AlarmTrack['alarm']>> = {}): AlarmTrack => ({
    key: `k${at}`,
    kind: 'temperature_high',
    coopId: 'coop-1',
    subjectId: null,
    activeSince: at,
    alarm: { id: `a${at}`, state: 'raised', severity: 'critical', message: 'hot', siren: true, raisedAt: at, remindedAt: null, acknowledgedAt: null, acknowledgedBy: null, ...extra },
  });

  it('sounds for a raised alarm, not for an acknowledged one, and stays quiet while silenced', () => {
    expect(decideSiren([raised(T0)], T0, null)).toBe(true);
    expect(decideSiren([raised(T0, { state: 'acknowledged' })], T0, null)).toBe(false);
    const silence = { at: T0 + 10, until: T0 + 60_000 };
    expect(decideSiren([raised(T0)], T0 + 20, silence)).toBe(false);
    expect(decideSiren([raised(T0)], T0 + 60_000, silence)).toBe(true);
  });

  it('sounds again for an alarm raised after the silence began', () => {
    expect(decideSiren([raised(T0), raised(T0 + 30)], T0 + 40, { at: T0 + 10, until: T0 + 60_000 })).toBe(true);
  });
});

describe('collectAlarmConditions', () => {
  const snapshot = (t: number | null, extra: Partial<FarmAlarmSnapshot> = {}): FarmAlarmSnapshot => ({
    coops: [
      {
        coopId: 'coop-1',
        coopName: 'coop 1',
        temperatureC: t,
        targetC: 30,
        temperatureAlarms: true,
        expectsTemperature: true,
        water: { value: 1500, halfFullRaw: 2000, sensorId: 'w1' },
        sensors: [{ sensorId: 't1', name: 'DHT22 north', excluded: t === null ? 'failed' : null, detail: 'read failed (no_response)' }],
      },
    ],
    nodes: [{ nodeId: 'n1', name: 'node 1', coopId: 'coop-1', lastSeenAt: T0 - 130_000 }],
    unconfirmed: [],
    ...extra,
  });
  const active = (t: number | null, now = T0, extra: Partial<FarmAlarmSnapshot> = {}) =>
    collectAlarmConditions(snapshot(t, extra), DEFAULT_ALARM_SETTINGS, now, 'Asia/Phnom_Penh').conditions.filter((c) => c.active).map((c) => c.kind);

  it('raises high temperature relative to the target before the absolute limit', () => {
    expect(active(35.5)).toContain('temperature_high'); // target 30 + 5
    expect(active(34)).not.toContain('temperature_high');
    expect(active(24.5)).toContain('temperature_low');
  });

  it('reports sensor loss, sensor failure, low water and an offline node', () => {
    expect(active(null)).toEqual(expect.arrayContaining(['sensor_loss_emergency', 'sensor_failed', 'water_low', 'node_offline']));
    expect(active(30)).not.toContain('sensor_loss_emergency');
  });

  it('wakes up when a node will go offline and for a command not confirmed', () => {
    const r = collectAlarmConditions(
      snapshot(30, { nodes: [{ nodeId: 'n1', name: 'node 1', coopId: 'coop-1', lastSeenAt: T0 }], unconfirmed: [{ outputId: 'fan-1', name: 'fan 1', coopId: 'coop-1', commanded: 'on', since: T0 - 5000 }] }),
      DEFAULT_ALARM_SETTINGS,
      T0,
      'Asia/Phnom_Penh',
    );
    expect(r.nextEvaluationAt).toBe(T0 + 25_000);
    expect(r.conditions.find((c) => c.kind === 'output_unconfirmed')).toMatchObject({ active: true, message: 'fan 1 did not confirm switching on' });
  });

  it('runs the scheduled alarm test at its cron time for its duration', () => {
    const settings = { ...DEFAULT_ALARM_SETTINGS, test: { cron: '0 9 * * 1', durationSeconds: 30 } };
    // 2026-03-09 is a Monday.
    const during = collectAlarmConditions(snapshot(30), settings, pp('2026-03-09T09:00:10'), 'Asia/Phnom_Penh');
    expect(during.conditions.find((c) => c.kind === 'alarm_test')!.active).toBe(true);
    expect(during.nextEvaluationAt).toBe(pp('2026-03-09T09:00:30'));
    const after = collectAlarmConditions(snapshot(30), settings, pp('2026-03-09T09:00:30'), 'Asia/Phnom_Penh');
    expect(after.conditions.find((c) => c.kind === 'alarm_test')!.active).toBe(false);
  });
});
