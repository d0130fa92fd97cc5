import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHlc } from '@tokkatot/shared';
import { createMergePolicy, mergeDocs, type WireDoc } from '@tokkatot/sync';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, MINUTE, sendAs, type TestClock } from './support/farm-api-fixture.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let manager: TestAccount;
let worker: TestAccount;
let outsider: TestAccount;
const clock: TestClock = { now: DAY0 + 9 * 60 * MINUTE };

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-c');
  await configureFarm(app, db.pool, 'farm-d');
  manager = await createMember(app, db.pool, 'farm-c', 'manager');
  worker = await createMember(app, db.pool, 'farm-c', 'worker');
  outsider = await createMember(app, db.pool, 'farm-d', 'owner');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const edgePull = async (collection: string, seq = 0) => {
  const res = await app.inject({ method: 'GET', url: `/v1/sync/${collection}/pull?seq=${seq}&id=&limit=100`, headers: { authorization: `Bearer ${farm.edgeToken}` } });
  return res.json() as { documents: WireDoc[]; checkpoint: { seq: number; id: string } | null };
};
const seq = () => app.services.store.currentSeq('farm-c');

describe('remote rule edits', () => {
  it('writes the edited rule as a sync document the edge pulls after its checkpoint, stamped by the cloud', async () => {
    const before = await app.services.store.readById('farm-c', 'rules', 'rule-1');
    const checkpoint = await seq();
    const res = await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { bandLowC: 25, bandHighC: 29.5, enabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'rule-1', bandLowC: 25, bandHighC: 29.5, hysteresisC: 0.5, updatedAt: clock.now });

    const { documents } = await edgePull('rules', checkpoint);
    expect(documents).toHaveLength(1);
    const pulled = documents[0]!;
    expect(pulled).toMatchObject({ id: 'rule-1', bandLowC: 25, bandHighC: 29.5, _deleted: false });
    expect(String(pulled.hlc) > String(before!.hlc)).toBe(true);
    expect(decodeHlc(String(pulled.hlc))).toEqual({ wallMs: clock.now, counter: 0, node: 'cloud-api' });
    const audit = await db.pool.query("SELECT actor_id, detail FROM audit_log WHERE farm_id = 'farm-c' AND action = 'config.rule'");
    expect(audit.rows[0]).toEqual({ actor_id: manager.userId, detail: { bandLowC: { from: 26, to: 25 }, bandHighC: { from: 30, to: 29.5 }, enabled: { from: true, to: true } } });
  });

  it('leaves a concurrent edge edit of a safety field to the edge, and keeps the cloud’s other change, when replicas merge', async () => {
    const base = (await app.services.store.readById('farm-c', 'rules', 'rule-1'))!;
    const edgeEdit: WireDoc = { ...base, bandLowC: 24, hlc: `${String(clock.now + 5 * MINUTE).padStart(15, '0')}:00000:edge-pi` };
    clock.now += MINUTE;
    await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { bandLowC: 27, target: 'curve' });
    const cloudDoc = (await app.services.store.readById('farm-c', 'rules', 'rule-1'))!;
    const merged = mergeDocs({ collection: 'rules', base, local: edgeEdit, remote: cloudDoc }, createMergePolicy()).doc;
    expect(merged).toMatchObject({ bandLowC: 24, target: 'curve' });
  });

  it('stamps later than a stored stamp from an edge whose clock runs ahead', async () => {
    const ahead = clock.now + 3_600_000;
    const stored = (await app.services.store.readById('farm-c', 'rules', 'rule-1'))!;
    await app.services.store.writeServerDocs('farm-c', 'rules', [{ ...stored, hlc: `${String(ahead).padStart(15, '0')}:00007:edge-pi` }], 'edge:test');
    const res = await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { enabled: false });
    expect(decodeHlc(res.json().hlc)).toEqual({ wallMs: ahead, counter: 8, node: 'cloud-api' });
  });

  it('applies two concurrent edits of different fields without losing either', async () => {
    await Promise.all([
      sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { enabled: true }),
      sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { target: 'fixed' }),
    ]);
    expect(await app.services.store.readById('farm-c', 'rules', 'rule-1')).toMatchObject({ enabled: true, target: 'fixed' });
  });

  it('refuses bad values, unknown fields, other roles and other farms, and writes nothing', async () => {
    const start = await seq();
    const cases: Array<[unknown, string, TestAccount?, string?]> = [
      [{ bandLowC: 60 }, 'VALIDATION_FAILED'],
      [{ bandLowC: 31 }, 'VALIDATION_FAILED'],
      [{ bandHighC: 'hot' }, 'VALIDATION_FAILED'],
      [{ enabled: 'yes' }, 'VALIDATION_FAILED'],
      [{ target: 'moon' }, 'VALIDATION_FAILED'],
      [{ hysteresisC: 0.1 }, 'VALIDATION_FAILED'],
      [{ farmId: 'farm-d' }, 'VALIDATION_FAILED'],
      [{ bandLowC: Number.MAX_VALUE }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
      [[], 'VALIDATION_FAILED'],
      [{ bandLowC: 25 }, 'FORBIDDEN', worker],
      [{ bandLowC: 25 }, 'NOT_FOUND', outsider],
      [{ bandLowC: 25 }, 'NOT_FOUND', manager, '/v1/farms/farm-c/rules/rule-404'],
      [{ enabled: true }, 'NOT_FOUND', manager, '/v1/farms/farm-c/schedules/rule-1'],
      [{ bandLowC: 25 }, 'VALIDATION_FAILED', manager, '/v1/farms/farm-c/rules/rule%201'],
    ];
    for (const [body, code, who, url] of cases) {
      const res = await sendAs(app, (who ?? manager).accessToken, 'PATCH', url ?? '/v1/farms/farm-c/rules/rule-1', body);
      expect(res.json().error?.code, `${JSON.stringify(body)} ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(code);
    }
    // Prototype pollution and a body that is not JSON never reach the document.
    for (const payload of ['{"__proto__":{"enabled":false},"enabled":true}', '{"constructor":{"prototype":{}}}', '{"enabled":', 'x'.repeat(2_000_000)]) {
      const res = await app.inject({ method: 'PATCH', url: '/v1/farms/farm-c/rules/rule-1', headers: { authorization: `Bearer ${manager.accessToken}`, 'content-type': 'application/json' }, payload });
      expect([400, 413], payload.slice(0, 40)).toContain(res.statusCode);
      expect(['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE']).toContain(res.json().error.code);
    }
    const detail = (await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-1', { bandLowC: 31 })).json().error;
    expect(detail.message).toMatch(/bandHighC: bandLowC must be below bandHighC/);
    expect(await seq()).toBe(start);
  });

  it('refuses to edit a deleted rule', async () => {
    const stored = (await app.services.store.readById('farm-c', 'rules', 'rule-1'))!;
    await app.services.store.writeServerDocs('farm-c', 'rules', [{ ...stored, id: 'rule-gone', _deleted: true }], 'edge:test');
    expect((await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/rules/rule-gone', { enabled: true })).json().error.code).toBe('NOT_FOUND');
  });
});

describe('remote schedule edits', () => {
  it('changes fields of the schedule’s own type and keeps the rest', async () => {
    const res = await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/schedules/sched-1', { runSeconds: 600, startTime: '05:30', weekdays: [1, 3, 5] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: 'cycle', runSeconds: 600, startTime: '05:30', weekdays: [1, 3, 5], offSeconds: 14_400, outputId: 'feeder-1' });
    expect((await edgePull('schedules')).documents[0]).toMatchObject({ runSeconds: 600 });
  });

  it('refuses fields of another schedule type, bad times, and outputs that are missing or not installed', async () => {
    const start = await seq();
    const cases: Array<[unknown, string]> = [
      [{ cron: '0 6 * * *' }, 'VALIDATION_FAILED'],
      [{ startTime: '25:00' }, 'VALIDATION_FAILED'],
      [{ weekdays: [] }, 'VALIDATION_FAILED'],
      [{ weekdays: [1, 1] }, 'VALIDATION_FAILED'],
      [{ repeat: 0 }, 'VALIDATION_FAILED'],
      [{ type: 'cron' }, 'VALIDATION_FAILED'],
      [{ outputId: 'fan-404' }, 'VALIDATION_FAILED'],
      [{ outputId: 'light-9' }, 'OUTPUT_INACTIVE'],
      [{ name: '\u0007bell' }, 'VALIDATION_FAILED'],
      [{ name: 'x'.repeat(81) }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await sendAs(app, manager.accessToken, 'PATCH', '/v1/farms/farm-c/schedules/sched-1', body);
      expect(res.json().error?.code, JSON.stringify(body)).toBe(code);
    }
    expect(await seq()).toBe(start);
  });
});
