import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@tokkatot/shared';
import { seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('bad input on the API', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  let ids: ReturnType<typeof seedCoop>;

  beforeAll(async () => {
    test = await startTestEdge({ http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024 } });
    tokens = await signInAllRoles(test);
    ids = seedCoop(test);
  });
  afterAll(async () => test.close());

  const auth = () => ({ authorization: `Bearer ${tokens.owner}` });

  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/coops', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"name": "Coop' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
    const before = test.edge.registry.listCoops().length;
    const response = await test.app.inject({ method: 'POST', url: '/api/coops', headers: auth(), payload: { name: 'x', pad: 'y'.repeat(100_000) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(test.edge.registry.listCoops()).toHaveLength(before);
  });

  it('answers a wrong content type with a 4xx error body', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/coops', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'name=coop' });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().error.code).toBeTruthy();
  });

  it('names the bad fields', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/outputs', headers: auth(), payload: { coopId: ids.coopId, nodeId: ids.nodeId, channel: 99, kind: 'rocket', name: '', activeLow: true, failSafeState: 'on', maxOnSeconds: 10, installed: true } });
    expect(response.statusCode).toBe(400);
    const paths = (response.json().error.details as { path: string }[]).map((detail) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['body.channel', 'body.kind', 'body.name']));
  });

  it('refuses a heater that fails safe to on, through the shared schema, and stores nothing', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/outputs', headers: auth(), payload: { coopId: ids.coopId, nodeId: ids.nodeId, channel: 5, kind: 'heater', name: 'Heater', activeLow: true, failSafeState: 'on', maxOnSeconds: 600, installed: true } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/heater must fail safe to off/);
    expect(test.edge.registry.listOutputs().map((output) => output.name)).not.toContain('Heater');
  });

  it('answers a duplicate channel with 409, not 500', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/outputs', headers: auth(), payload: { coopId: ids.coopId, nodeId: ids.nodeId, channel: 0, kind: 'fan', name: 'Fan again', activeLow: true, failSafeState: 'on', maxOnSeconds: 600, installed: true } });
    expect(response.statusCode).toBe(409);
  });

  it('survives a fuzz run over route inputs with zero 500s', async () => {
    const routes = test.app.routeTable.filter((route) => route.url !== '/api/live' && route.url !== '/api/backups');
    const json = fc.jsonValue({ maxDepth: 3 });
    const segment = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(ids.coopId, ids.outputId, ids.sensorId, ids.nodeId, '..', '%00', 'a'.repeat(300)));
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'resolution', 'limit', 'type', 'coopId', 'before', 'after', 'state', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)), { maxKeys: 4 });
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), segment, json, query, fc.constantFrom<Role>('owner', 'manager', 'worker', 'viewer'), async (route, id, body, qs, role) => {
        const url = route.url.replace(':id', encodeURIComponent(id));
        const response = await test.app.inject({
          method: route.method as 'POST',
          url,
          query: qs,
          headers: { authorization: `Bearer ${tokens[role]}` },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: JSON.stringify(body), headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' } }),
        });
        if (response.statusCode >= 500) failures.push(`${route.method} ${url} ${JSON.stringify(qs)} ${JSON.stringify(body).slice(0, 200)} -> ${response.body}`);
        return response.statusCode < 500;
      }),
      { numRuns: 1500, seed: 4242 },
    );
    expect(failures).toEqual([]);
  }, 60_000);

  it('survives near-valid bodies (one field replaced by anything) with zero 500s and a sound store', async () => {
    const valid: { method: 'POST' | 'PATCH'; url: string; role: Role; body: Record<string, unknown> }[] = [
      { method: 'POST', url: `/api/outputs/${ids.outputId}/manual`, role: 'worker', body: { state: 'on', reason: 'fuzz', durationSeconds: 60 } },
      { method: 'POST', url: '/api/outputs', role: 'manager', body: { coopId: ids.coopId, nodeId: ids.nodeId, channel: 7, kind: 'light', name: 'Lamp', activeLow: false, failSafeState: 'off', maxOnSeconds: 600, dimmable: true, installed: true } },
      { method: 'PATCH', url: `/api/outputs/${ids.outputId}`, role: 'manager', body: { name: 'Fan renamed', maxOnSeconds: 1200 } },
      { method: 'POST', url: '/api/sensors', role: 'manager', body: { coopId: ids.coopId, nodeId: ids.nodeId, channel: 9, kind: 'water_level', unit: 'raw', name: 'Tank', calibration: { offset: 0, scale: 1, halfFullRaw: 2000 }, installed: true } },
      { method: 'PATCH', url: `/api/nodes/${ids.nodeId}`, role: 'manager', body: { name: 'Board' } },
      { method: 'POST', url: '/api/coops', role: 'manager', body: { name: 'Coop fuzz', capacityBirds: 500 } },
      { method: 'POST', url: '/api/readings', role: 'manager', body: { readings: [{ sensorId: ids.sensorId, ts: Date.UTC(2026, 0, 1), status: 'ok', value: 21.5 }] } },
      { method: 'POST', url: '/api/users', role: 'owner', body: { username: 'fuzzed', displayName: 'Fuzz', password: 'long enough pw', role: 'viewer' } },
      { method: 'PATCH', url: '/api/farm', role: 'owner', body: { name: 'Farm', timezone: 'Asia/Phnom_Penh' } },
      { method: 'POST', url: '/api/auth/login', role: 'viewer', body: { username: 'viewer', password: 'x' } },
    ];
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...valid), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), async (base, key, value) => {
        const fields = Object.keys(base.body);
        const field = fields.includes(key) || key.length === 0 ? key : fields[key.length % fields.length]!;
        const body = { ...base.body, [field || fields[0]!]: value };
        const response = await test.app.inject({ method: base.method, url: base.url, headers: { authorization: `Bearer ${tokens[base.role]}` }, payload: body as object });
        if (response.statusCode >= 500) failures.push(`${base.method} ${base.url} ${JSON.stringify(body).slice(0, 200)} -> ${response.body}`);
        return response.statusCode < 500;
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(failures).toEqual([]);
    expect(test.edge.database.integrityProblems()).toEqual([]);
  }, 60_000);
});
