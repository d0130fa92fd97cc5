import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, postBatch, sendAs, type TestClock } from './support/farm-api-fixture.js';
import { SseClient } from './support/sse-client.js';

// The single-session embedded database (no DATABASE_URL): the same routes, projections and live stream.
let embedded: EmbeddedDatabase;
let app: FastifyInstance;
let farm: FarmFixture;
let manager: TestAccount;
const clock: TestClock = { now: DAY0 + 10 * 60 * MINUTE };
const outbox = new OutboxWriter('farm-e');
let client: SseClient | undefined;

beforeAll(async () => {
  embedded = await openEmbeddedDatabase('memory://', { waitTimeoutMs: 10_000 });
  await migrate(embedded.pool);
  app = await buildApiApp(embedded.pool, clock, { notifier: embedded.notifier });
  farm = await configureFarm(app, embedded.pool, 'farm-e');
  manager = await createMember(app, embedded.pool, 'farm-e', 'manager');
}, 120_000);

afterAll(async () => {
  client?.close();
  await app?.close();
  await embedded?.close();
});

describe('farm API on the embedded database', () => {
  it('projects an upload, streams it live, and edits a rule', async () => {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    client = await SseClient.connect(`${base}/v1/farms/farm-e/live`, manager.accessToken);
    await client.next((m) => m.event === 'coop' && (m.data as { id: string }).id === 'coop-1');
    const mark = client.messages.length;
    await postBatch(app, farm, outbox.batch([
      outbox.readings('temp-1', minuteReadings(clock.now - MINUTE, [29])),
      outbox.event({ type: 'alarm_raised', ts: clock.now, coopId: 'coop-1', alarmId: 'alarm-e', kind: 'humidity_high', severity: 'warning', message: 'humid' }),
    ]));
    const update = await client.next((m) => m.event === 'coop' && (m.data as { temperatureC: number }).temperatureC === 29, { from: mark });
    expect(update.data).toMatchObject({ status: 'good', openAlarms: 1 });
    expect((await getAs(app, manager.accessToken, '/v1/farms')).json()[0]).toMatchObject({ online: true, openAlarms: 1 });
    expect((await getAs(app, manager.accessToken, '/v1/notifications')).json()).toHaveLength(1);
    const patched = await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-e/rules/rule-1', { bandHighC: 31 });
    expect(patched.json()).toMatchObject({ bandHighC: 31 });
    expect((await getAs(app, manager.accessToken, `/v1/farms/farm-e/history?sensorId=temp-1&from=${clock.now - 60 * MINUTE}&to=${clock.now}`)).json().points).toHaveLength(1);
    expect((await getAs(app, manager.accessToken, '/v1/reports/morning')).statusCode).toBe(200);
  });

  it('keeps memberships in memory through its own notifications, and a removal is seen at once', async () => {
    expect(app.services.standings.stats().trusted).toBe(true);
    const owner = await createMember(app, embedded.pool, 'farm-e', 'owner');
    const viewer = await createMember(app, embedded.pool, 'farm-e', 'viewer');
    await app.services.standings.settled();
    expect((await getAs(app, viewer.accessToken, '/v1/farms')).json()).toHaveLength(1);
    expect((await getAs(app, viewer.accessToken, '/v1/farms')).json()).toHaveLength(1);
    expect(app.services.standings.stats().hits).toBeGreaterThan(0);
    expect((await sendAs(app, owner.accessToken, 'DELETE', `/v1/farms/farm-e/members/${viewer.userId}`)).statusCode).toBe(204);
    expect((await getAs(app, viewer.accessToken, '/v1/farms')).json()).toEqual([]);
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-e')).statusCode).toBe(404);
  });
});
