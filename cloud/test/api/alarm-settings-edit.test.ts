import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS, decodeHlc } from '@tokkatot/shared';
import { createMergePolicy, mergeDocs, type WireDoc } from '@tokkatot/sync';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, sendAs, type TestClock } from './support/farm-api-fixture.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let manager: TestAccount;
let worker: TestAccount;
let viewer: TestAccount;
let outsider: TestAccount;
const clock: TestClock = { now: DAY0 + 9 * 60 * MINUTE };
const URL = '/v1/farms/farm-s/alarm-settings';

/** What the edge writes at start: its effective settings, stamped by the edge. */
const reported = {
  id: 'farm-s',
  farmId: 'farm-s',
  hlc: `${String(DAY0).padStart(15, '0')}:00000:edge-pi`,
  updatedAt: DAY0,
  ...DEFAULT_ALARM_SETTINGS,
};

const edgePush = async (fixture: FarmFixture, doc: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/v1/sync/alarm_settings/push',
    headers: { authorization: `Bearer ${fixture.edgeToken}` },
    payload: [{ newDocumentState: { ...doc, _deleted: false } }],
  });
const seq = () => app.services.store.currentSeq('farm-s');

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-s');
  const other = await configureFarm(app, db.pool, 'farm-t');
  await edgePush(other, { ...reported, id: 'farm-t', farmId: 'farm-t', temperatureHighC: 40 });
  manager = await createMember(app, db.pool, 'farm-s', 'manager');
  worker = await createMember(app, db.pool, 'farm-s', 'worker');
  viewer = await createMember(app, db.pool, 'farm-s', 'viewer');
  outsider = await createMember(app, db.pool, 'farm-t', 'owner');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('remote alarm settings', () => {
  it('answers NOT_FOUND until the edge has reported its settings, for reading and for changing', async () => {
    expect((await getAs(app, viewer.accessToken, URL)).json().error).toMatchObject({ code: 'NOT_FOUND', message: "The farm's edge has not reported its alarm settings yet." });
    expect((await sendAs(app, manager.accessToken, 'PATCH', URL, { reminderSeconds: 600 })).json().error.code).toBe('NOT_FOUND');
    expect((await edgePush(farm, reported)).json()).toEqual([]);
    const res = await getAs(app, viewer.accessToken, URL);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(reported);
  });

  it('writes a manager’s change as a sync document the edge pulls, stamped by the cloud, and audits it', async () => {
    const checkpoint = await seq();
    const res = await sendAs(app, manager.accessToken, 'PATCH', URL, { temperatureHighC: 33, test: { cron: '0 9 * * 1', durationSeconds: 20 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'farm-s', temperatureHighC: 33, temperatureLowC: 15, test: { cron: '0 9 * * 1', durationSeconds: 20 }, updatedAt: clock.now });
    const pulled = await app.inject({ method: 'GET', url: `/v1/sync/alarm_settings/pull?seq=${checkpoint}&id=&limit=100`, headers: { authorization: `Bearer ${farm.edgeToken}` } });
    const { documents } = pulled.json() as { documents: WireDoc[] };
    expect(documents).toEqual([expect.objectContaining({ id: 'farm-s', temperatureHighC: 33, _deleted: false })]);
    expect(decodeHlc(String(documents[0]!.hlc))).toEqual({ wallMs: clock.now, counter: 0, node: 'cloud-api' });
    const audit = await db.pool.query("SELECT actor_id, target, detail FROM audit_log WHERE farm_id = 'farm-s' AND action = 'config.alarm_settings'");
    expect(audit.rows).toEqual([
      { actor_id: manager.userId, target: 'farm-s', detail: { temperatureHighC: { from: 36, to: 33 }, test: { from: null, to: { cron: '0 9 * * 1', durationSeconds: 20 } } } },
    ]);
  });

  it('leaves a concurrent edge edit of a temperature limit to the edge, and keeps the cloud’s delay, when replicas merge', async () => {
    const base = (await app.services.store.readById('farm-s', 'alarm_settings', 'farm-s'))!;
    const edgeEdit: WireDoc = { ...base, temperatureHighC: 34, hlc: `${String(clock.now + 5 * MINUTE).padStart(15, '0')}:00000:edge-pi` };
    clock.now += MINUTE;
    await sendAs(app, manager.accessToken, 'PATCH', URL, { temperatureHighC: 38, temperatureDelaySeconds: 300 });
    const cloudDoc = (await app.services.store.readById('farm-s', 'alarm_settings', 'farm-s'))!;
    const merged = mergeDocs({ collection: 'alarm_settings', base, local: edgeEdit, remote: cloudDoc }, createMergePolicy()).doc;
    expect(merged).toMatchObject({ temperatureHighC: 34, temperatureDelaySeconds: 300 });
  });

  it('refuses bad values, unknown fields, other roles and other farms, and writes nothing', async () => {
    const start = await seq();
    const cases: Array<[unknown, string, TestAccount?, string?]> = [
      [{ temperatureHighC: 60 }, 'VALIDATION_FAILED'],
      [{ temperatureLowC: 39 }, 'VALIDATION_FAILED'],
      [{ temperatureHighC: '36' }, 'VALIDATION_FAILED'],
      [{ reminderSeconds: 1.5 }, 'VALIDATION_FAILED'],
      [{ nodeOfflineSeconds: 5 }, 'VALIDATION_FAILED'],
      [{ test: { cron: 'every monday', durationSeconds: 20 } }, 'VALIDATION_FAILED'],
      [{ test: { cron: '0 9 * * 1', durationSeconds: 20, extra: 1 } }, 'VALIDATION_FAILED'],
      [{ farmId: 'farm-t' }, 'VALIDATION_FAILED'],
      [{ id: 'farm-t' }, 'VALIDATION_FAILED'],
      [{ hlc: 'x' }, 'VALIDATION_FAILED'],
      [{ aboveTargetC: Number.MAX_VALUE }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
      [[], 'VALIDATION_FAILED'],
      [{ reminderSeconds: 600 }, 'FORBIDDEN', worker],
      [{ reminderSeconds: 600 }, 'FORBIDDEN', viewer],
      [{ reminderSeconds: 600 }, 'NOT_FOUND', outsider],
      [{ reminderSeconds: 600 }, 'NOT_FOUND', manager, '/v1/farms/farm-t/alarm-settings'],
    ];
    for (const [body, code, who, url] of cases) {
      const res = await sendAs(app, (who ?? manager).accessToken, 'PATCH', url ?? URL, body);
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
      expect(res.json().error?.code, `${JSON.stringify(body)} ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(code);
    }
    for (const payload of ['{"__proto__":{"reminderSeconds":1},"reminderSeconds":600}', '{"constructor":{"prototype":{}}}', '{"reminderSeconds":', 'x'.repeat(2_000_000)]) {
      const res = await app.inject({ method: 'PATCH', url: URL, headers: { authorization: `Bearer ${manager.accessToken}`, 'content-type': 'application/json' }, payload });
      expect([400, 413], payload.slice(0, 40)).toContain(res.statusCode);
      expect(['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE']).toContain(res.json().error.code);
    }
    const detail = (await sendAs(app, manager.accessToken, 'PATCH', URL, { temperatureLowC: 39 })).json().error;
    expect(detail.message).toMatch(/temperatureLowC: the low alarm must be below the high alarm/);
    expect(await seq()).toBe(start);
    // The other farm's settings are its own and an outsider cannot read these.
    expect((await getAs(app, outsider.accessToken, URL)).json().error.code).toBe('NOT_FOUND');
    expect((await getAs(app, outsider.accessToken, '/v1/farms/farm-t/alarm-settings')).json()).toMatchObject({ id: 'farm-t', temperatureHighC: 40 });
  });

  it('lets any member read, and refuses a document pushed under another farm’s id', async () => {
    expect((await getAs(app, worker.accessToken, URL)).json()).toMatchObject({ id: 'farm-s', temperatureDelaySeconds: 300 });
    const pushed = await edgePush(farm, { ...reported, id: 'farm-t' });
    // The sync server refuses it as a conflict (nothing stored under that id for this farm).
    expect(pushed.json()).toEqual([expect.objectContaining({ id: 'farm-t', _deleted: true })]);
    expect(await app.services.store.readById('farm-s', 'alarm_settings', 'farm-t')).toBeUndefined();
    expect((await getAs(app, outsider.accessToken, '/v1/farms/farm-t/alarm-settings')).json()).toMatchObject({ temperatureHighC: 40 });
  });
});
