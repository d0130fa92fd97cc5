import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebapp } from '../../src/webapp/index.js';
import { seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';
import { RecordingSiren } from './support/serve-edge.js';

// T0 is 2026-06-01 06:00 UTC: 13:00 on the farm's clock in Asia/Phnom_Penh.
const TODAY = '2026-06-01';
const RECORD = { mortality: { heat: 2, sick: 1, injured: 0, unknown: 0 }, culls: 1, feedBags: 3.5, waterMeter: 1234.5, note: 'ឈឺ ២ ក្បាល' };

describe('dailyRecordsRoutes and sirenRoutes', () => {
  let test: TestEdge;
  let web: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  const siren = new RecordingSiren();
  const put = (token: string | null, payload: unknown, coop = 'coop-1', date = TODAY) =>
    web.inject({ method: 'PUT', url: `/api/daily-records/${coop}/${date}`, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
    seedCoop(test);
    web = Fastify({ logger: false });
    await registerWebapp(web, test.edge, { siren });
    await web.ready();
  });
  afterAll(async () => {
    await web.close();
    await test.close();
  });

  it('stores a worker’s checklist for today and logs it as an event for sync', async () => {
    const response = await put(tokens.worker, RECORD);
    expect(response.statusCode).toBe(200);
    expect(response.json().record).toMatchObject({ coopId: 'coop-1', date: TODAY, ...RECORD });
    const events = test.edge.events.query({ types: ['user_action'], coopId: 'coop-1' });
    expect(events[0]?.event).toMatchObject({ type: 'user_action', summary: `recorded the daily checklist of ${TODAY}`, detail: { kind: 'daily_record', culls: 1 } });
  });

  it('lets the same day’s record be corrected, keeping one record', async () => {
    const response = await put(tokens.worker, { ...RECORD, culls: 4 });
    expect(response.statusCode).toBe(200);
    const list = await web.inject({ url: `/api/daily-records?from=${TODAY}&to=${TODAY}`, headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(list.json().records).toHaveLength(1);
    expect(list.json().records[0]).toMatchObject({ culls: 4 });
  });

  it('refuses to change a past day’s record', async () => {
    const response = await put(tokens.worker, RECORD, 'coop-1', '2026-05-31');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('CONFLICT');
  });

  it('requires a worker: viewers get 403, strangers 401', async () => {
    expect((await put(tokens.viewer, RECORD)).statusCode).toBe(403);
    expect((await put(null, RECORD)).statusCode).toBe(401);
    expect((await put('not-a-token', RECORD)).statusCode).toBe(401);
  });

  it('rejects malformed, out-of-range and hostile input with 400 and keeps what was stored', async () => {
    const bad = [
      { ...RECORD, culls: -1 },
      { ...RECORD, culls: 1.5 },
      { ...RECORD, feedBags: 0.3 },
      { ...RECORD, waterMeter: 1e12 },
      { ...RECORD, mortality: { heat: 1 } },
      { ...RECORD, admin: true },
      { ...RECORD, note: 'x'.repeat(501) },
      { ...RECORD, note: 'bell\u0007' },
      'not json at all',
    ];
    for (const payload of bad) {
      const response = await put(tokens.worker, payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put(tokens.worker, RECORD, 'coop-1', '2026-02-30')).statusCode).toBe(400);
    const stored = await web.inject({ url: `/api/daily-records/coop-1/${TODAY}`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(stored.json().record).toMatchObject({ culls: 4, feedBags: 3.5 });
  });

  it('answers 404 for an unknown coop', async () => {
    expect((await put(tokens.worker, RECORD, 'coop-9')).statusCode).toBe(404);
  });

  it('silences the siren for a worker and logs who did it', async () => {
    expect((await web.inject({ method: 'POST', url: '/api/siren/silence', headers: { authorization: `Bearer ${tokens.viewer}` } })).statusCode).toBe(403);
    expect(siren.silenced).toBe(0);
    const response = await web.inject({ method: 'POST', url: '/api/siren/silence', headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sounding: false });
    expect(siren.silenced).toBe(1);
    expect(test.edge.events.query({ types: ['user_action'] })[0]?.event).toMatchObject({ summary: 'silenced the siren' });
  });
});
