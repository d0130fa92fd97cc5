import { hasRole, type Role } from '@tokkatot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

/** Real ids for each path parameter, so permitted calls reach their handlers. */
function urlFor(url: string, ids: Record<string, string>): string {
  if (url.startsWith('/api/users/')) return url.replace(':id', ids.user!);
  if (url.startsWith('/api/coops/')) return url.replace(':id', ids.coop!);
  if (url.startsWith('/api/nodes/')) return url.replace(':id', ids.node!);
  if (url.startsWith('/api/outputs/')) return url.replace(':id', ids.output!);
  if (url.startsWith('/api/sensors/')) return url.replace(':id', ids.sensor!);
  if (url.startsWith('/api/alarms/')) return url.replace(':id', ids.alarm!);
  return url;
}

describe('authorisation matrix', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
    const seeded = seedCoop(test);
    const alarm = test.edge.alarms.raise({ kind: 'alarm_test', severity: 'warning', coopId: seeded.coopId, subjectId: null, message: 'test' });
    ids = { user: test.edge.auth.findUserByName('viewer')!.id, coop: seeded.coopId, node: seeded.nodeId, output: seeded.outputId, sensor: seeded.sensorId, alarm: alarm.id };
  });
  afterAll(async () => test.close());

  it('declares an access level on every route', () => {
    expect(test.app.routeTable.length).toBeGreaterThan(30);
    for (const route of test.app.routeTable) expect(['public', ...ROLES]).toContain(route.access);
  });

  it('answers every route × every role with 401 / 403 / allowed exactly as declared, and never 500', async () => {
    const rows: string[] = [];
    for (const route of test.app.routeTable) {
      const url = urlFor(route.url, ids);
      for (const who of [null, ...ROLES] as (Role | null)[]) {
        const allowed = route.access === 'public' || (who !== null && hasRole(who, route.access));
        // The SSE stream never ends by itself; its allowed case is covered by the live test over a real socket.
        if (route.url === '/api/live' && allowed) continue;
        const response = await test.app.inject({
          method: route.method as 'GET',
          url,
          ...(who ? { headers: { authorization: `Bearer ${tokens[who]}` } } : {}),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const status = response.statusCode;
        const expected = allowed ? 'allowed' : who === null ? 401 : 403;
        const ok = status < 500 && (allowed ? status !== 401 && status !== 403 : status === expected);
        if (!ok) rows.push(`${route.method} ${route.url} as ${who ?? 'anonymous'}: ${status} (expected ${expected}) ${response.body.slice(0, 120)}`);
        if (!allowed) expect(response.json().error.code).toBe(who === null ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
    }
    expect(rows).toEqual([]);
  });
});
