import { describe, expect, it } from 'vitest';
import { collectAlarmConditions, DEFAULT_ALARM_SETTINGS, type FarmAlarmSnapshot } from '../../src/automation/alarm-conditions.js';
import { applyCoopInterlock, arbitrateOutput } from '../../src/automation/arbitration.js';
import { createClimateMemory, evaluateClimate, type ClimateInput, type ClimateMemory } from '../../src/automation/climate.js';
import { structureAlarmMessage, structureOutputReason } from '../../src/automation/reason-structure.js';
import { evaluateSchedule } from '../../src/automation/schedule.js';
import { feederSchedule, makeRule, pp } from './fixtures.js';

const T0 = pp('2026-03-10T14:00:00');
const ZONE = 'Asia/Phnom_Penh';
const base: Omit<ClimateInput, 'temperatureC' | 'now'> = { rule: makeRule(), mode: 'growing', targetC: null, humidityPercent: null, zone: ZONE, coopName: 'Coop 1 (east)', outputNames: { 'fan-1': 'fan 1', 'fan-2': 'fan 2', 'heater-1': 'heater 1' } };

/** The reason the real climate rule gives one output. */
function climateReason(id: string, input: Partial<ClimateInput> & { temperatureC: number | null }, memory: ClimateMemory = createClimateMemory()): string {
  return evaluateClimate({ ...base, now: T0, ...input }, memory).decisions.find((d) => d.outputId === id)!.reason;
}

describe('structureOutputReason reads back the sentences the automation builds', () => {
  it('climate: above and below the band, with and without hysteresis, and the idle side', () => {
    expect(structureOutputReason(climateReason('fan-1', { temperatureC: 33.1 }))).toEqual({ code: 'above', valueC: 33.1, limitC: 32, hysteresis: false });
    expect(structureOutputReason(climateReason('fan-2', { temperatureC: 33.1 }))).toEqual({ code: 'not_above', valueC: 33.1, limitC: 34 });
    expect(structureOutputReason(climateReason('heater-1', { temperatureC: 27.9 }))).toEqual({ code: 'below', valueC: 27.9, limitC: 28, hysteresis: false });
    expect(structureOutputReason(climateReason('heater-1', { temperatureC: 30 }))).toEqual({ code: 'not_below', valueC: 30, limitC: 28 });
    const heating: ClimateMemory = { outputs: { 'heater-1': { on: true, changedAt: T0 - 600_000, cutUntil: null, demand: true } }, humid: false };
    expect(structureOutputReason(climateReason('heater-1', { temperatureC: 28.2 }, heating))).toEqual({ code: 'below', valueC: 28.2, limitC: 28.5, hysteresis: true });
  });

  it('climate: no reading, house mode, minimum time and minimum ventilation', () => {
    expect(structureOutputReason(climateReason('heater-1', { temperatureC: null }))).toEqual({ code: 'no_reading_no_heat' });
    expect(structureOutputReason(climateReason('fan-1', { temperatureC: null }))).toEqual({ code: 'no_reading_fans_hold' });
    expect(structureOutputReason(climateReason('heater-1', { temperatureC: 20, mode: 'catching' }))).toMatchObject({ code: 'house_mode', mode: 'catching', stops: 'heating' });
    const justOn: ClimateMemory = { outputs: { 'fan-1': { on: true, changedAt: T0 - 10_000, cutUntil: null, demand: true } }, humid: false };
    expect(structureOutputReason(climateReason('fan-1', { temperatureC: 30 }, justOn))).toEqual({ code: 'min_time', held: 'on', until: '14:00:50' });
    const rule = makeRule({ fanStages: [], minimumVentilation: { outputIds: ['fan-1'], cycleSeconds: 300, minOnPercent: 20, maxOnPercent: 60, rampSpanC: 4 } });
    expect(structureOutputReason(climateReason('fan-1', { rule, temperatureC: 28, now: Math.floor(T0 / 300_000) * 300_000 + 200_000 }))).toEqual({
      code: 'minimum_ventilation',
      percent: 20,
      cycleSeconds: 300,
      offPart: true,
      humidityPercent: null,
      humidityLimitPercent: null,
    });
  });

  it('schedules, manual commands, the interlock and the default', () => {
    const output = { id: 'feeder-1', name: 'Feeder 1', kind: 'feeder', coopId: 'coop-1' };
    const schedule = feederSchedule();
    const at = (iso: string) => arbitrateOutput({ output, now: pp(iso), zone: ZONE, schedules: [{ scheduleId: schedule.id, evaluation: evaluateSchedule(schedule, pp(iso), ZONE) }] }).reason;
    expect(structureOutputReason(at('2026-03-10T06:03:00'))).toEqual({ code: 'schedule_on', schedule: schedule.name, since: '06:00', until: '06:08' });
    expect(structureOutputReason(at('2026-03-10T07:00:00'))).toEqual({ code: 'schedule_idle', schedule: schedule.name, next: '10:08' });
    const manual = arbitrateOutput({ output, now: T0, zone: ZONE, manual: { state: 'on', until: T0 + 3_600_000, setAt: T0, by: 'ana', note: 'check' } }).reason;
    expect(structureOutputReason(manual)).toEqual({ code: 'manual', by: 'ana', until: '15:00' });
    expect(structureOutputReason('manual by ana: manual control from the farm app')).toEqual({ code: 'manual', by: 'ana', until: null });
    expect(structureOutputReason(arbitrateOutput({ output, now: T0, zone: ZONE }).reason)).toEqual({ code: 'default' });
    const outputs = new Map([
      ['fan-1', { id: 'fan-1', name: 'fan 1', kind: 'fan', coopId: 'coop-1' }],
      ['heater-1', { id: 'heater-1', name: 'heater 1', kind: 'heater', coopId: 'coop-1' }],
    ]);
    const [, heater] = applyCoopInterlock(
      [
        { outputId: 'fan-1', state: 'on', source: 'manual', reason: 'x', since: T0, until: null, explanation: [] },
        { outputId: 'heater-1', state: 'on', source: 'schedule', reason: 'x', since: T0, until: null, explanation: [] },
      ],
      outputs,
    );
    expect(structureOutputReason(heater!.reason)).toEqual({ code: 'interlock' });
    expect(structureOutputReason('fan 1 on: something new')).toBeNull();
  });
});

describe('structureAlarmMessage reads back the alarm conditions’ messages', () => {
  it('temperature, water, sensors, nodes, outputs and the test', () => {
    const snapshot: FarmAlarmSnapshot = {
      coops: [
        {
          coopId: 'coop-1',
          coopName: 'Coop 1',
          temperatureC: 37.2,
          targetC: null,
          temperatureAlarms: true,
          expectsTemperature: true,
          water: { value: 100, halfFullRaw: 1200, sensorId: 'water-1' },
          sensors: [{ sensorId: 'temp-2', name: 'Temp 2', excluded: 'stale', detail: 'no reading for 5 min' }],
        },
        { coopId: 'coop-2', coopName: 'Coop 2', temperatureC: 12.5, targetC: null, temperatureAlarms: true, expectsTemperature: true, water: null, sensors: [] },
      ],
      nodes: [{ nodeId: 'node-1', name: 'Board A', coopId: 'coop-1', lastSeenAt: T0 - 3_600_000 }],
      unconfirmed: [{ outputId: 'fan-1', name: 'Fan 1', coopId: 'coop-1', commanded: 'on', since: T0 }],
    };
    const { conditions } = collectAlarmConditions(snapshot, { ...DEFAULT_ALARM_SETTINGS, test: { cron: '0 9 * * 1', durationSeconds: 30 } }, T0, ZONE);
    const parts = Object.fromEntries(conditions.map((condition) => [condition.key, structureAlarmMessage(condition.message)]));
    expect(parts['temperature_high:coop-1']).toEqual({ code: 'too_hot', valueC: 37.2, limitC: 36 });
    expect(parts['temperature_low:coop-2']).toEqual({ code: 'too_cold', valueC: 12.5, limitC: 15 });
    expect(parts['sensor_loss_emergency:coop-1']).toEqual({ code: 'sensor_loss' });
    expect(parts['sensor_failed:temp-2']).toEqual({ code: 'sensor_left_out', sensor: 'Temp 2', cause: 'stale' });
    expect(parts['water_low:water-1']).toEqual({ code: 'water_low', seconds: 60 });
    expect(parts['node_offline:node-1']).toEqual({ code: 'node_silent', node: 'Board A', seconds: 120 });
    expect(parts['output_unconfirmed:fan-1']).toEqual({ code: 'output_unconfirmed', output: 'Fan 1', state: 'on' });
    expect(parts.alarm_test).toEqual({ code: 'alarm_test' });
    expect(structureAlarmMessage('Coop 1 at 33.1 °C, above 32.0 °C for 5 min')).toBeNull();
  });
});
