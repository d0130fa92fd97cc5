import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEventMap } from '../../src/devices/index.js';
import { nextEvent } from '../devices/support.js';
import { CHANNEL, eventually, reportedChannel, startControlledEdge, type ControlledEdge } from './support.js';

let running: ControlledEdge | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('startController with a sensor failure in the simulated coop', () => {
  it('never heats on the missing reading, raises the sensor-loss alarm and keeps minimum ventilation cycling', async () => {
    // 03:00 on a tropical night (outside 24 °C): the coop is below its band and the heater runs,
    // until the temperature sensor dies 3 s after the node starts. Simulated time runs 120× faster.
    running = await startControlledEdge({
      coops: 1,
      speed: 120,
      startAt: Date.parse('2026-03-10T03:00:00+07:00'),
      extraArgs: ['--outside-min', '24', '--outside-max', '36', '--dead-sensor', '0', '--dead-after-ms', '3000'],
    });
    const { controller, edge } = running;
    const devices = controller.devices;

    const heating = await nextEvent(devices, 'outputStateReported', (e) => reportedChannel(e.state, CHANNEL.heater)?.state === 'on');
    expect(reportedChannel(heating.state, CHANNEL.heater)?.reason).toBe('commanded');
    await nextEvent(devices, 'readingsReceived', (e) => e.readings.some((r) => r.channel === 0 && r.status === 'failed'));
    const heaterOff = await nextEvent(devices, 'outputStateReported', (e) => reportedChannel(e.state, CHANNEL.heater)?.state === 'off');

    // From the first report after the failure on: every heater report is OFF, and the fan cycles.
    const heaterReports: string[] = [reportedChannel(heaterOff.state, CHANNEL.heater)!.state];
    const fanReports: string[] = [];
    const onState = (e: DeviceEventMap['outputStateReported'][0]) => {
      heaterReports.push(reportedChannel(e.state, CHANNEL.heater)!.state);
      const fan = reportedChannel(e.state, CHANNEL.fan)!.state;
      if (fanReports.at(-1) !== fan) fanReports.push(fan);
    };
    devices.on('outputStateReported', onState);
    try {
      // Minimum ventilation: 3 % of a 600 s cycle (5 wall seconds here): ON, OFF, ON again.
      await eventually(() => expect(fanReports.join(',')).toMatch(/on,off,on/), 20_000);
    } finally {
      devices.off('outputStateReported', onState);
    }
    expect(heaterReports.every((state) => state === 'off')).toBe(true);
    expect(edge.arbiter.decisionOf('coop-1-heater-1')).toMatchObject({ state: 'off', reason: expect.stringMatching(/never heat without a reading/) });
    expect(edge.events.query({ types: ['output_changed'] }).map((e) => e.event)).toEqual(
      expect.arrayContaining([expect.objectContaining({ outputId: 'coop-1-fan-1', state: 'on', reason: expect.stringMatching(/minimum ventilation/) })]),
    );
    const alarms = edge.alarms.list({ states: ['raised'] });
    expect(alarms).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'sensor_loss_emergency', coopId: 'coop-1', severity: 'critical' })]));
    expect(edge.events.query({ types: ['alarm_raised'] }).map((e) => e.event)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'sensor_loss_emergency' })]));
  });
});
