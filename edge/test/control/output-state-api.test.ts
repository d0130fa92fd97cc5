import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, reportedChannel, startControlledEdge, type ControlledEdge } from './support.js';

interface OutputView {
  id: string;
  channel: number;
  kind: string;
  active: boolean;
  current: { state: 'on' | 'off'; source: string; reason: string; since: number } | null;
}

let running: ControlledEdge | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('startController', () => {
  it('shows every output of a simulated coop with the state its node reports and the reason, through GET /api/coops', async () => {
    running = await startControlledEdge({ coops: 1 });
    const { app, controller, token } = running;
    const auth = { authorization: `Bearer ${token}` };

    const coop = await eventually(async () => {
      const response = await app.inject({ method: 'GET', url: '/api/coops', headers: auth });
      expect(response.statusCode).toBe(200);
      const [first] = response.json<{ coops: { id: string; outputs: OutputView[] }[] }>().coops;
      expect(first?.outputs.length).toBe(7);
      const node = controller.devices.getNode('coop-sim-1');
      for (const output of first!.outputs) {
        expect(output.active, output.id).toBe(true);
        // The API's state is the node's own report of its relay, not just what was asked for.
        expect(output.current?.state, output.id).toBe(reportedChannel(node?.state, output.channel)?.state);
        expect(controller.deviceBridge.reportedState(output.id)?.reason, output.id).toBe('commanded');
      }
      return first!;
    });

    expect(coop.id).toBe('coop-1');
    expect(coop.outputs.map((o) => o.kind).sort()).toEqual(['conveyor', 'fan', 'fan', 'feeder', 'heater', 'light', 'water_pump']);
    for (const output of coop.outputs) {
      expect(output.current!.reason).toMatch(/\S{3,}/);
      expect(['climate', 'schedule', 'default', 'interlock']).toContain(output.current!.source);
    }
    const heater = coop.outputs.find((o) => o.channel === CHANNEL.heater)!;
    expect(heater.current!.source).toMatch(/climate|interlock/);
    const feeder = coop.outputs.find((o) => o.channel === CHANNEL.feeder)!;
    expect(feeder.current!.reason).toMatch(/schedule 'Feeder'/);

    const one = await app.inject({ method: 'GET', url: `/api/outputs/${heater.id}`, headers: auth });
    expect(one.statusCode).toBe(200);
    expect(one.json<{ output: OutputView }>().output.current).toMatchObject({ state: heater.current!.state, reason: heater.current!.reason });
  });
});
