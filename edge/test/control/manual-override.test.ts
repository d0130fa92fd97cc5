import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../devices/support.js';
import { CHANNEL, eventually, reportedChannel, startControlledEdge, type ControlledEdge } from './support.js';

let running: ControlledEdge | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('startController', () => {
  it('takes a manual command through the core to the simulated node, confirmed by its state report, and hands back to the automation when it expires', async () => {
    running = await startControlledEdge({ coops: 1 });
    const { app, controller, edge, token } = running;
    const devices = controller.devices;
    const feederId = 'coop-1-feeder-1';
    const automatic = await eventually(() => {
      const decision = edge.arbiter.decisionOf(feederId);
      expect(decision?.source).toBe('schedule');
      expect(reportedChannel(devices.getNode('coop-sim-1')?.state, CHANNEL.feeder)?.state).toBe(decision!.state);
      return decision!;
    });
    // Let the start-up sends (hello resend, first decisions) for this output finish first.
    await edge.arbiter.resend(feederId);
    // Ask for the opposite of what the schedule wants right now, so the override is visible whatever the hour.
    const wanted = automatic.state === 'on' ? 'off' : 'on';

    const confirmed = nextEvent(devices, 'outputStateReported', (e) => reportedChannel(e.state, CHANNEL.feeder)?.state === wanted);
    const response = await app.inject({
      method: 'POST',
      url: `/api/outputs/${feederId}/manual`,
      headers: { authorization: `Bearer ${token}` },
      payload: { state: wanted, reason: 'checking the auger', durationSeconds: 2 },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ confirmed: boolean; decision: { source: string; state: string }; command: { id: string } }>();
    expect(body).toMatchObject({ confirmed: true, decision: { source: 'manual', state: wanted } });
    expect(reportedChannel((await confirmed).state, CHANNEL.feeder)).toMatchObject({ state: wanted, reason: 'commanded' });
    expect(controller.deviceBridge.reportedState(feederId)?.state).toBe(wanted);

    // The override runs out after 2 s: the schedule's decision comes back and the node confirms it.
    // Read the bridge's latest report rather than wait for the next event: on a loaded machine the
    // report can arrive before a listener added here would be attached.
    await eventually(() => expect(controller.deviceBridge.reportedState(feederId)).toMatchObject({ state: automatic.state, reason: 'commanded' }), 8000);
    expect(edge.arbiter.decisionOf(feederId)).toMatchObject({ source: 'schedule', state: automatic.state });
    const view = await app.inject({ method: 'GET', url: `/api/outputs/${feederId}`, headers: { authorization: `Bearer ${token}` } });
    expect(view.json<{ output: { manual: unknown; current: { source: string } } }>().output).toMatchObject({ manual: null, current: { source: 'schedule' } });
    const results = edge.events.query({ types: ['command_result'] }).map((e) => e.event);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ commandId: body.command.id, outcome: 'executed' }),
        expect.objectContaining({ commandId: body.command.id, outcome: 'expired' }),
      ]),
    );
  });
});
