import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, type TestClock } from './support/farm-api-fixture.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let viewer: TestAccount;
let stranger: TestAccount;
const clock: TestClock = { now: DAY0 + 8 * 60 * MINUTE };
let outbox: OutboxWriter;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-s');
  await configureFarm(app, db.pool, 'farm-other');
  viewer = await createMember(app, db.pool, 'farm-s', 'viewer');
  stranger = await createMember(app, db.pool, 'farm-other', 'owner');
  outbox = new OutboxWriter('farm-s');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('farm overview and coop state', () => {
  it('shows a configured farm that never reached the cloud as offline with unknown coops', async () => {
    const res = await getAs(app, viewer.accessToken, '/v1/farms');
    expect(res.statusCode).toBe(200);
    const [entry] = res.json();
    expect(entry).toMatchObject({ id: 'farm-s', role: 'viewer', online: false, lastSyncAt: null, openAlarms: 0 });
    expect(entry.coops.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['coop-1', 'unknown'],
      ['coop-2', 'unknown'],
    ]);
  });

  it('projects ingested readings, output changes and alarms into the coop state', async () => {
    const t = clock.now - 5 * MINUTE;
    await app.services.ingest.ingest(
      farm.edgeId,
      'farm-s',
      outbox.batch([
        outbox.readings('temp-1', minuteReadings(t, [31, 31.4, 31.8])),
        outbox.readings('hum-1', minuteReadings(t, [70, 72])),
        outbox.event({ type: 'output_changed', ts: t + MINUTE, coopId: 'coop-1', outputId: 'fan-1', state: 'on', level: null, source: 'climate', reason: 'fan-1 on: coop 1 at 31.4 °C > 30.0 °C' }),
        outbox.event({ type: 'output_changed', ts: t, coopId: 'coop-1', outputId: 'fan-1', state: 'off', level: null, source: 'climate', reason: 'older' }),
        outbox.event({ type: 'alarm_raised', ts: t + 2 * MINUTE, coopId: 'coop-1', alarmId: 'alarm-hot', kind: 'temperature_high', severity: 'critical', message: 'Coop 1 at 31.8 °C' }),
      ]),
    );
    const res = await getAs(app, viewer.accessToken, '/v1/farms/farm-s/coops/coop-1');
    expect(res.statusCode).toBe(200);
    const coop = res.json();
    expect(coop).toMatchObject({ id: 'coop-1', name: 'Coop 1', temperatureC: 31.8, humidityPercent: 72, targetLowC: 26, targetHighC: 30, status: 'too_hot', outputsOn: 1, openAlarms: 1 });
    expect(coop.updatedAt).toBe(t + 2 * MINUTE);
    expect(coop.sensors).toEqual([
      { id: 'temp-1', name: 'temp-1', kind: 'temperature', unit: 'degC', value: 31.8, status: 'ok', ts: t + 2 * MINUTE },
      { id: 'hum-1', name: 'hum-1', kind: 'humidity', unit: 'percentRH', value: 72, status: 'ok', ts: t + MINUTE },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)));
    // The newer output event wins although the older one came later in the batch; the uninstalled light is not shown.
    expect(coop.outputs.map((o: { id: string; state: string }) => [o.id, o.state])).toEqual([
      ['fan-1', 'on'],
      ['feeder-1', 'unknown'],
      ['heater-1', 'unknown'],
    ]);
    expect(coop.outputs[0]).toMatchObject({ source: 'climate', since: t + MINUTE, reason: 'fan-1 on: coop 1 at 31.4 °C > 30.0 °C' });
    expect(coop.alarms).toEqual([expect.objectContaining({ alarmId: 'alarm-hot', state: 'raised', raisedAt: t + 2 * MINUTE })]);
    expect(coop.rules).toEqual([expect.objectContaining({ id: 'rule-1', bandLowC: 26 })]);
  });

  it('keeps the newest reading when an older batch arrives late, and shows a failed read without a number', async () => {
    const t = clock.now - 20 * MINUTE;
    await app.services.ingest.ingest(farm.edgeId, 'farm-s', outbox.batch([outbox.readings('temp-1', minuteReadings(t, [18]))]));
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-s/coops/coop-1')).json().temperatureC).toBe(31.8);
    await app.services.ingest.ingest(farm.edgeId, 'farm-s', outbox.batch([outbox.readings('temp-1', [{ ts: clock.now - MINUTE, status: 'failed', failure: 'checksum' }])]));
    const coop = (await getAs(app, viewer.accessToken, '/v1/farms/farm-s/coops/coop-1')).json();
    expect(coop.sensors.find((s: { id: string }) => s.id === 'temp-1')).toMatchObject({ status: 'failed', value: null });
    expect(coop).toMatchObject({ temperatureC: null, status: 'unknown' });
  });

  it('answers the overview and the farm page with presence, last sync and open alarms', async () => {
    const farmPage = (await getAs(app, viewer.accessToken, '/v1/farms/farm-s')).json();
    expect(farmPage).toMatchObject({ id: 'farm-s', name: 'Farm farm-s', timeZone: 'Asia/Phnom_Penh', online: true, lastSyncAt: clock.now, openAlarms: 1 });
    expect(farmPage.coops[0]).toMatchObject({ id: 'coop-1', openAlarms: 1, outputsOn: 1 });
    expect(farmPage.coops[0].sensors).toBeUndefined();
    const overview = (await getAs(app, viewer.accessToken, '/v1/farms')).json();
    expect(overview).toHaveLength(1);
    expect(overview[0]).toMatchObject({ online: true, lastSyncAt: clock.now, openAlarms: 1 });
  });

  it('goes offline two minutes after the last contact, and an edge sync call counts as contact', async () => {
    const lastContact = clock.now;
    clock.now += 2 * MINUTE + 1;
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-s')).json()).toMatchObject({ online: false, lastSyncAt: lastContact });
    const pull = await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: { authorization: `Bearer ${farm.edgeToken}` } });
    expect(pull.statusCode).toBe(200);
    // Contact from a sync call is recorded after the answer, without holding it up.
    let page = (await getAs(app, viewer.accessToken, '/v1/farms/farm-s')).json();
    for (let i = 0; i < 50 && !page.online; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      page = (await getAs(app, viewer.accessToken, '/v1/farms/farm-s')).json();
    }
    expect(page).toMatchObject({ online: true, lastSyncAt: clock.now });
    // A refused call (bad secret) is not contact.
    clock.now += 3 * MINUTE;
    await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: { authorization: `Bearer edge.${farm.edgeId}.${'x'.repeat(40)}` } });
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-s')).json().online).toBe(false);
  });

  it('marks readings older than ten minutes stale and the coop status unknown', async () => {
    clock.now += 2 * MINUTE;
    const coop = (await getAs(app, viewer.accessToken, '/v1/farms/farm-s/coops/coop-1')).json();
    expect(coop.sensors.find((s: { id: string }) => s.id === 'hum-1')).toMatchObject({ status: 'stale', value: 72 });
    expect(coop.humidityPercent).toBeNull();
  });

  it('hides other farms: NOT_FOUND for a farm the caller is not a member of, and for ids that cannot exist', async () => {
    for (const url of ['/v1/farms/farm-s', '/v1/farms/farm-s/coops/coop-1', '/v1/farms/farm-s/events', '/v1/farms/no-such-farm']) {
      const res = await getAs(app, stranger.accessToken, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-s/coops/coop-9')).json().error.code).toBe('NOT_FOUND');
    expect((await getAs(app, viewer.accessToken, `/v1/farms/${encodeURIComponent("x' OR 1=1 --")}`)).statusCode).toBe(404);
    expect((await getAs(app, viewer.accessToken, `/v1/farms/farm-s/coops/${'c'.repeat(65)}`)).json().error.code).toBe('VALIDATION_FAILED');
    expect((await app.inject({ method: 'GET', url: '/v1/farms' })).json().error.code).toBe('UNAUTHENTICATED');
    expect((await getAs(app, 'garbage', '/v1/farms/farm-s')).json().error.code).toBe('UNAUTHENTICATED');
    expect((await getAs(app, farm.edgeToken, '/v1/farms/farm-s')).statusCode).toBe(401);
  });
});
