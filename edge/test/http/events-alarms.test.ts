import type { Role } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('events and alarms', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  beforeEach(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
  });
  afterEach(async () => test.close());

  const get = (url: string, role: Role = 'viewer') => test.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });

  it('pages the event log newest first and filters by type and time', async () => {
    for (let i = 0; i < 25; i++) {
      test.clock.advance(1000);
      test.edge.events.append({ type: 'user_action', coopId: 'coop-x', actorId: null, summary: `step ${i}` });
    }
    const first = (await get('/api/events?type=user_action&coopId=coop-x&limit=10')).json();
    expect(first.events.map((event: { summary: string }) => event.summary).slice(0, 2)).toEqual(['step 24', 'step 23']);
    const second = (await get(`/api/events?type=user_action&coopId=coop-x&limit=10&before=${first.next}`)).json();
    expect(second.events[0].summary).toBe('step 14');
    const tail = (await get(`/api/events?after=${first.events[0].seq - 1}`)).json();
    expect(tail.events.map((event: { summary: string }) => event.summary)).toEqual(['step 24']);
    expect((await get('/api/events?type=DROP TABLE')).statusCode).toBe(400);
  });

  it('walks an alarm through raised, reminded, acknowledged by a worker, cleared — each step an event', async () => {
    const alarm = test.edge.alarms.raise({ kind: 'water_low', severity: 'warning', coopId: 'coop-x', subjectId: 'water-1', message: 'water below half for 1 min' });
    test.edge.alarms.remind(alarm.id);
    expect((await get('/api/alarms?state=raised')).json().alarms).toHaveLength(1);
    const viewerAck = await test.app.inject({ method: 'POST', url: `/api/alarms/${alarm.id}/acknowledge`, headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(viewerAck.statusCode).toBe(403);
    const ack = await test.app.inject({ method: 'POST', url: `/api/alarms/${alarm.id}/acknowledge`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().alarm).toMatchObject({ state: 'acknowledged', acknowledgedBy: test.edge.auth.findUserByName('worker')!.id });
    const twice = await test.app.inject({ method: 'POST', url: `/api/alarms/${alarm.id}/acknowledge`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(twice.statusCode).toBe(409);
    test.edge.alarms.clear(alarm.id);
    const lifecycle = (await get('/api/events?type=alarm_raised,alarm_reminded,alarm_acknowledged,alarm_cleared')).json().events.map((event: { type: string }) => event.type);
    expect(lifecycle).toEqual(['alarm_cleared', 'alarm_acknowledged', 'alarm_reminded', 'alarm_raised']);
    expect((await get('/api/alarms?state=cleared')).json().alarms[0].clearedAt).toBe(test.clock.now());
  });

  it('publishes the OpenAPI document and health, readiness and metrics', async () => {
    const openapi = (await test.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/coops', '/api/outputs/{id}/manual', '/api/sensors/{id}/readings']));
    expect(openapi.paths['/api/outputs/{id}/manual'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['state', 'reason', 'durationSeconds']));
    expect((await test.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await test.app.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready', needsOwner: false });
    const metrics = (await test.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['api_request_duration_seconds', 'api_request_total', 'api_errors_total', 'device_commands_queued', 'database_connections_active', 'tokkatot_db_size_bytes']) {
      expect(metrics).toContain(name);
    }
  });
});
