import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { RxdbPeer } from '../support/rxdb-peer.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, MINUTE, minuteReadings, OutboxWriter, postBatch, sendAs, type TestClock } from './support/farm-api-fixture.js';
import { SseClient } from './support/sse-client.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let base: string;
let farm: FarmFixture;
let viewer: TestAccount;
let outsider: TestAccount;
let worker: TestAccount;
const clock: TestClock = { now: DAY0 + 10 * 60 * MINUTE };
const outbox = new OutboxWriter('farm-l');
const clients: SseClient[] = [];

const connect = async (url: string, token: string | undefined) => {
  const client = await SseClient.connect(url, token);
  clients.push(client);
  return client;
};
const isCoop = (id: string, temperatureC?: number) => (m: { event?: string; data?: unknown }) =>
  m.event === 'coop' && (m.data as { id: string }).id === id && (temperatureC === undefined || (m.data as { temperatureC: number }).temperatureC === temperatureC);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock, { heartbeatMs: 150 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  farm = await configureFarm(app, db.pool, 'farm-l');
  await configureFarm(app, db.pool, 'farm-m');
  viewer = await createMember(app, db.pool, 'farm-l', 'viewer');
  outsider = await createMember(app, db.pool, 'farm-m', 'owner');
  worker = await createMember(app, db.pool, 'farm-l', 'worker');
});

afterAll(async () => {
  for (const client of clients) client.close();
  await app?.close();
  await db?.drop();
});

describe('browser live stream', () => {
  it('starts with every coop, then sends a coop event when an ingest lands data, and alarm events', async () => {
    const client = await connect(`${base}/v1/farms/farm-l/live`, viewer.accessToken);
    expect(client.status).toBe(200);
    await client.next(isCoop('coop-1'));
    await client.next(isCoop('coop-2'));
    const mark = client.messages.length;

    await postBatch(app, farm, outbox.batch([outbox.readings('temp-1', minuteReadings(clock.now - MINUTE, [27.5]))]));
    const update = await client.next(isCoop('coop-1'), { from: mark });
    expect(update.data).toMatchObject({ id: 'coop-1', temperatureC: 27.5, status: 'good', sensors: expect.any(Array), outputs: expect.any(Array) });
    // coop-2 did not change, so it is not sent again.
    expect(client.messages.slice(mark).some(isCoop('coop-2'))).toBe(false);

    await postBatch(app, farm, outbox.batch([outbox.event({ type: 'alarm_raised', ts: clock.now, coopId: 'coop-1', alarmId: 'alarm-live', kind: 'temperature_high', severity: 'critical', message: 'hot' })]));
    const alarm = await client.next((m) => m.event === 'alarm', { from: mark });
    expect(alarm.data).toMatchObject({ alarmId: 'alarm-live', state: 'raised', coopId: 'coop-1' });
    expect((await client.next(isCoop('coop-1'), { from: client.messages.indexOf(alarm) })).data).toMatchObject({ openAlarms: 1 });
  });

  it('catches up after the listening database connection is killed: data landed meanwhile still reaches the browser', async () => {
    const client = await connect(`${base}/v1/farms/farm-l/live`, viewer.accessToken);
    await client.next(isCoop('coop-1'));
    const mark = client.messages.length;
    const { rows } = await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
    expect(rows).toHaveLength(1);
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await postBatch(app, farm, outbox.batch([outbox.readings('temp-1', minuteReadings(clock.now - MINUTE / 2, [29.25]))]));
    expect((await client.next(isCoop('coop-1', 29.3), { from: mark })).data).toMatchObject({ temperatureC: 29.3 });
  });

  it('sends a heartbeat comment at the configured interval', async () => {
    const client = await connect(`${base}/v1/farms/farm-l/live`, viewer.accessToken);
    await client.next((m) => m.comment === 'heartbeat');
  });

  it('refuses a missing token, a stranger and a token in the URL instead of the header', async () => {
    const anonymous = await connect(`${base}/v1/farms/farm-l/live`, undefined);
    expect(anonymous.status).toBe(401);
    const stranger = await connect(`${base}/v1/farms/farm-l/live`, outsider.accessToken);
    expect(stranger.status).toBe(404);
    expect((stranger.messages[0]!.data as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const inUrl = await connect(`${base}/v1/farms/farm-l/live?token=${viewer.accessToken}`, undefined);
    expect(inUrl.status).toBe(401);
  });

  it('forgets a browser that went away', async () => {
    const before = app.services.live!.size;
    const client = await connect(`${base}/v1/farms/farm-l/live`, viewer.accessToken);
    await client.next(isCoop('coop-1'));
    expect(app.services.live!.size).toBe(before + 1);
    client.close();
    for (let i = 0; i < 100 && app.services.live!.size > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.services.live!.size).toBe(before);
  });

  it('hands an acknowledgement to a replicating RxDB client as a command document, which disappears when it expires', async () => {
    await postBatch(app, farm, outbox.batch([outbox.event({ type: 'alarm_raised', ts: clock.now, coopId: 'coop-1', alarmId: 'alarm-rx', kind: 'water_low', severity: 'warning', message: 'water' })]));
    const peer = new RxdbPeer('edge-rx', base, farm.edgeToken);
    await peer.start(['commands']);
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 250 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await check()).toBe(true);
    };
    try {
      const res = await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-l/alarms/alarm-rx/acknowledge');
      expect(res.statusCode).toBe(202);
      const { commandId } = res.json();
      await until(async () => (await peer.live('commands')).some((doc) => doc.id === commandId && doc.type === 'acknowledge_alarm' && doc.targetId === 'alarm-rx'));
      clock.now += 600_000;
      await app.services.store.expireCommands(clock.now);
      await until(async () => !(await peer.live('commands')).some((doc) => doc.id === commandId));
      expect(peer.errors).toEqual([]);
    } finally {
      await peer.stop();
    }
  });

  it('delivers across instances: an upload to one app reaches a browser on another', async () => {
    const otherPool = new pg.Pool({ connectionString: db.url, max: 4 });
    otherPool.on('error', () => undefined);
    const other = await buildApiApp(otherPool, clock, { heartbeatMs: 60_000 });
    try {
      const otherBase = await other.listen({ host: '127.0.0.1', port: 0 });
      const client = await connect(`${otherBase}/v1/farms/farm-l/live`, viewer.accessToken);
      await client.next(isCoop('coop-1'));
      const mark = client.messages.length;
      await postBatch(app, farm, outbox.batch([outbox.readings('temp-1', minuteReadings(clock.now, [24.2]))]));
      expect((await client.next(isCoop('coop-1', 24.2), { from: mark })).data).toMatchObject({ status: 'too_cold' });
      // Closing the app ends its streams instead of leaving browsers hanging.
      await other.close();
      await client.closed();
    } finally {
      await other.close();
      await otherPool.end();
    }
  });
});
