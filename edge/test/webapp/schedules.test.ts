import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, signInAllRoles } from '../helpers.js';
import { seedFarm } from '../ui/support/seed-farm.js';
import { serveEdge, type ServedEdge } from './support/serve-edge.js';

// T0 is 13:00 on the farm's clock (Asia/Phnom_Penh).
const FEEDER = { type: 'cycle', coopId: 'coop-1', outputId: 'feeder-1', name: 'Feeder', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6], startTime: '13:05', runSeconds: 480, offSeconds: 14_400, repeat: 3 };

describe('schedulesRoutes', () => {
  let served: ServedEdge;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  const put = (token: string, payload: unknown, id = 'feeder-morning') =>
    served.web.inject({ method: 'PUT', url: `/api/schedules/${id}`, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    // The simulated node sends no heartbeats here: keep it online while the test moves the clock on.
    served = await serveEdge({ automation: true, overrides: { nodes: { offlineAfterSeconds: 86_400 } } });
    tokens = await signInAllRoles(served.test);
    await seedFarm(served);
  });
  afterAll(async () => {
    await served.close();
  });

  it('stores a manager’s schedule, logs it for sync, and the automation runs it on time', async () => {
    const response = await put(tokens.manager, FEEDER);
    expect(response.statusCode).toBe(200);
    expect(response.json().schedule).toMatchObject({ ...FEEDER, id: 'feeder-morning' });
    const listed = await served.web.inject({ url: '/api/schedules?coopId=coop-1', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(listed.json().schedules).toHaveLength(1);
    expect(served.test.edge.events.query({ types: ['config_changed'] })[0]?.event).toMatchObject({ summary: 'added schedule "Feeder"' });
    await new Promise((resolve) => setImmediate(resolve));
    served.automation!.timers.advanceTo(T0 + 5 * 60_000 + 1000);
    await expect.poll(() => served.test.driver.states.get('feeder-1')?.state).toBe('on');
    served.automation!.timers.advanceTo(T0 + 13 * 60_000 + 2000);
    await expect.poll(() => served.test.driver.states.get('feeder-1')?.state).toBe('off');
  });

  it('refuses workers and viewers', async () => {
    expect((await put(tokens.worker, FEEDER)).statusCode).toBe(403);
    expect((await put(tokens.viewer, FEEDER)).statusCode).toBe(403);
  });

  it('rejects malformed and inconsistent schedules with 4xx and keeps the stored set', async () => {
    const bad: Array<[unknown, number]> = [
      [{ ...FEEDER, startTime: '25:00' }, 400],
      [{ ...FEEDER, runSeconds: 0 }, 400],
      [{ ...FEEDER, weekdays: [] }, 400],
      [{ ...FEEDER, type: 'sometimes' }, 400],
      [{ ...FEEDER, id: 'other' }, 400],
      [{ ...FEEDER, coopId: 'coop-2' }, 400],
      [{ ...FEEDER, outputId: 'nope' }, 404],
      ['not json', 400],
    ];
    for (const [payload, status] of bad) expect((await put(tokens.manager, payload)).statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
    expect(served.automation!.schedules.list()).toMatchObject([{ id: 'feeder-morning', startTime: '13:05' }]);
  });

  it('removes a schedule', async () => {
    const response = await served.web.inject({ method: 'DELETE', url: '/api/schedules/feeder-morning', headers: { authorization: `Bearer ${tokens.manager}` } });
    expect(response.statusCode).toBe(204);
    expect(served.automation!.schedules.list()).toEqual([]);
  });
});
