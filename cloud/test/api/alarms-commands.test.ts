import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, OutboxWriter, sendAs, type TestClock } from './support/farm-api-fixture.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let worker: TestAccount;
let viewer: TestAccount;
let outsider: TestAccount;
const clock: TestClock = { now: DAY0 + 8 * 60 * MINUTE };
const outbox = new OutboxWriter('farm-a');

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-a');
  await configureFarm(app, db.pool, 'farm-b');
  worker = await createMember(app, db.pool, 'farm-a', 'worker');
  viewer = await createMember(app, db.pool, 'farm-a', 'viewer');
  outsider = await createMember(app, db.pool, 'farm-b', 'owner');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const alarm = (type: string, alarmId: string, ts: number, extra: Record<string, unknown> = {}) =>
  outbox.event({ type, ts, coopId: 'coop-1', alarmId, kind: 'temperature_high', severity: 'critical', message: 'Coop 1 at 33 °C', ...extra });
const ingest = (records: ReturnType<OutboxWriter['event']>[]) => app.services.ingest.ingest(farm.edgeId, 'farm-a', outbox.batch(records));
const edgePull = async (collection: string) =>
  (await app.inject({ method: 'GET', url: `/v1/sync/${collection}/pull?limit=1000`, headers: { authorization: `Bearer ${farm.edgeToken}` } })).json().documents as Array<Record<string, unknown>>;

describe('alarms', () => {
  it('follows an alarm through raise, reminder, acknowledgement by command, and clear', async () => {
    const t = clock.now - 10 * MINUTE;
    await ingest([alarm('alarm_raised', 'alarm-1', t), alarm('alarm_reminded', 'alarm-1', t + 5 * MINUTE)]);
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms')).json()).toEqual([
      { alarmId: 'alarm-1', coopId: 'coop-1', kind: 'temperature_high', severity: 'critical', message: 'Coop 1 at 33 °C', state: 'raised', raisedAt: t, acknowledgedAt: null, clearedAt: null },
    ]);

    const ack = await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-1/acknowledge');
    expect(ack.statusCode).toBe(202);
    const { commandId } = ack.json();
    const command = (await edgePull('commands')).find((doc) => doc.id === commandId);
    expect(command).toMatchObject({ type: 'acknowledge_alarm', targetId: 'alarm-1', farmId: 'farm-a', issuedBy: worker.userId, _deleted: false });
    expect(Number(command!.expiresAt) - Number(command!.issuedAt)).toBe(600_000);
    const audit = await db.pool.query("SELECT action, target FROM audit_log WHERE farm_id = 'farm-a' AND action = 'alarm.acknowledge'");
    expect(audit.rows).toEqual([{ action: 'alarm.acknowledge', target: 'alarm-1' }]);

    // The edge runs the command and reports; the alarm state follows the edge's event.
    await ingest([alarm('alarm_acknowledged', 'alarm-1', t + 6 * MINUTE, { actorId: worker.userId })]);
    const [acknowledged] = (await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms')).json();
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledgedAt: t + 6 * MINUTE });
    const again = await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-1/acknowledge');
    expect(again.json().error.code).toBe('CONFLICT');

    await ingest([alarm('alarm_cleared', 'alarm-1', t + 9 * MINUTE)]);
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms')).json()).toEqual([]);
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms?state=all')).json()[0]).toMatchObject({ state: 'cleared', clearedAt: t + 9 * MINUTE, raisedAt: t });
  });

  it('folds alarm events that arrive out of order (clear before raise) into the same lifecycle', async () => {
    const t = clock.now - 30 * MINUTE;
    await ingest([alarm('alarm_cleared', 'alarm-2', t + 2 * MINUTE, { message: 'cleared copy' })]);
    await ingest([alarm('alarm_raised', 'alarm-2', t, { kind: 'water_low', severity: 'warning', message: 'Water low' })]);
    const [state] = (await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms?state=all')).json().filter((a: { alarmId: string }) => a.alarmId === 'alarm-2');
    expect(state).toMatchObject({ state: 'cleared', raisedAt: t, clearedAt: t + 2 * MINUTE, kind: 'water_low', severity: 'warning', message: 'Water low' });
  });

  it('refuses acknowledgement by a viewer, of unknown or cleared alarms, and of other farms', async () => {
    await ingest([alarm('alarm_raised', 'alarm-3', clock.now - MINUTE)]);
    expect((await sendAs(app, viewer.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-3/acknowledge')).json().error.code).toBe('FORBIDDEN');
    expect((await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-404/acknowledge')).json().error.code).toBe('NOT_FOUND');
    expect((await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-2/acknowledge')).json().error.code).toBe('CONFLICT');
    expect((await sendAs(app, outsider.accessToken, 'POST', '/v1/farms/farm-a/alarms/alarm-3/acknowledge')).json().error.code).toBe('NOT_FOUND');
    expect((await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/alarms/bad%20id/acknowledge')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/alarms?state=closed')).json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('remote commands', () => {
  it('queues a command the edge pulls, and shows it pending until it expires', async () => {
    const res = await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/commands', { type: 'output_on', targetId: 'fan-1', durationSeconds: 600, expiresInSeconds: 30 });
    expect(res.statusCode).toBe(201);
    const { command } = res.json();
    expect(command).toMatchObject({ type: 'output_on', targetId: 'fan-1', durationSeconds: 600, issuedAt: clock.now, notBefore: clock.now, expiresAt: clock.now + 30_000, issuedBy: worker.userId });
    expect((await edgePull('commands')).find((doc) => doc.id === command.id)).toMatchObject({ _deleted: false, type: 'output_on' });
    const listed = (await getAs(app, viewer.accessToken, '/v1/farms/farm-a/commands')).json();
    expect(listed[0]).toMatchObject({ id: command.id, outcome: 'pending', cancelled: false });

    clock.now += 30_000;
    expect(await app.services.store.expireCommands(clock.now)).toBeGreaterThanOrEqual(1);
    expect((await edgePull('commands')).find((doc) => doc.id === command.id)).toMatchObject({ _deleted: true });
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/commands')).json()[0]).toMatchObject({ id: command.id, outcome: 'expired' });
  });

  it('reports the outcome the edge sent back', async () => {
    const { command } = (await sendAs(app, worker.accessToken, 'POST', '/v1/farms/farm-a/commands', { type: 'run_feeder', targetId: 'feeder-1', durationSeconds: 120 })).json();
    expect(command.expiresAt - command.issuedAt).toBe(300_000);
    await ingest([outbox.event({ type: 'command_result', ts: clock.now + 1000, commandId: command.id, outcome: 'executed', detail: 'feeder-1 on for 120 s' })]);
    const listed = (await getAs(app, viewer.accessToken, '/v1/farms/farm-a/commands')).json();
    expect(listed.find((c: { id: string }) => c.id === command.id)).toMatchObject({ outcome: 'executed', detail: 'feeder-1 on for 120 s' });
    const audit = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE farm_id = 'farm-a' AND action = 'command.issue'");
    expect(audit.rows[0].n).toBe(2);
  });

  it('refuses commands that do not fit the equipment, the role or the schema, and stores none of them', async () => {
    const before = (await edgePull('commands')).length;
    const cases: Array<[unknown, string, TestAccount?]> = [
      [{ type: 'output_on', targetId: 'fan-1' }, 'FORBIDDEN', viewer],
      [{ type: 'output_on', targetId: 'fan-1' }, 'NOT_FOUND', outsider],
      [{ type: 'self_destruct', targetId: 'fan-1' }, 'VALIDATION_FAILED'],
      [{ type: 'output_on' }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: 'fan-404' }, 'NOT_FOUND'],
      [{ type: 'output_on', targetId: 'light-9' }, 'OUTPUT_INACTIVE'],
      [{ type: 'run_feeder', targetId: 'fan-1' }, 'VALIDATION_FAILED'],
      [{ type: 'output_off', targetId: 'fan-1', durationSeconds: 60 }, 'VALIDATION_FAILED'],
      [{ type: 'acknowledge_alarm', targetId: 'alarm-3' }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: 'fan-1', expiresInSeconds: 9 }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: 'fan-1', expiresInSeconds: 3601 }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: 'fan-1', durationSeconds: 1.5 }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: 'fan-1', issuedBy: 'someone-else' }, 'VALIDATION_FAILED'],
      [{ type: 'output_on', targetId: '../../etc/passwd' }, 'VALIDATION_FAILED'],
      ['output_on', 'VALIDATION_FAILED'],
    ];
    for (const [body, code, who] of cases) {
      const res = await sendAs(app, (who ?? worker).accessToken, 'POST', '/v1/farms/farm-a/commands', body);
      expect(res.json().error?.code, JSON.stringify(body)).toBe(code);
    }
    expect((await edgePull('commands')).length).toBe(before);
    expect((await getAs(app, viewer.accessToken, '/v1/farms/farm-a/commands?limit=0')).json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('notifications', () => {
  it('notifies the farm members of a raised alarm, once, and lets each mark it read', async () => {
    const list = async (who: TestAccount, query = '') => (await getAs(app, who.accessToken, `/v1/notifications${query}`)).json();
    const mine = await list(viewer);
    expect(mine.map((n: { title: string; farmId: string }) => [n.farmId, n.title])).toEqual([
      ['farm-a', 'Critical alarm: temperature high'],
      ['farm-a', 'Critical alarm: temperature high'],
      ['farm-a', 'Warning: water low'],
    ]);
    // The alarm as the edge raised it, and the farm's name and clock, for clients in any language.
    expect(mine.map((n: { alarm: { kind: string; severity: string } | null }) => [n.alarm?.kind, n.alarm?.severity])).toEqual([
      ['temperature_high', 'critical'],
      ['temperature_high', 'critical'],
      ['water_low', 'warning'],
    ]);
    expect(mine[2]).toMatchObject({ farmName: expect.any(String), timeZone: expect.any(String), lastSeenAt: null, alarm: { alarmId: 'alarm-2' } });
    expect(await list(outsider)).toEqual([]);

    const id = mine[0].id;
    expect((await sendAs(app, viewer.accessToken, 'POST', `/v1/notifications/${id}/read`)).statusCode).toBe(204);
    expect((await sendAs(app, viewer.accessToken, 'POST', `/v1/notifications/${id}/read`)).statusCode).toBe(204);
    expect((await list(viewer, '?unread')).map((n: { id: string }) => n.id)).not.toContain(id);
    expect((await list(viewer, '?unread=true')).length).toBe(2);
    expect((await getAs(app, viewer.accessToken, '/v1/notifications/unread-count')).json()).toEqual({ count: 2 });
    expect((await getAs(app, outsider.accessToken, '/v1/notifications/unread-count')).json()).toEqual({ count: 0 });
    expect((await getAs(app, viewer.accessToken, '/v1/notifications/unread-count?x=1')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await app.inject({ method: 'GET', url: '/v1/notifications/unread-count' })).statusCode).toBe(401);
    expect((await list(viewer)).find((n: { id: string }) => n.id === id).readAt).toBe(clock.now);
    // Read state is per person.
    expect((await list(worker, '?unread')).length).toBe(3);
    expect((await sendAs(app, outsider.accessToken, 'POST', `/v1/notifications/${id}/read`)).json().error.code).toBe('NOT_FOUND');
    for (const bad of ['abc', '0', '-1', '1e3', '99999999999999999999']) {
      expect((await sendAs(app, viewer.accessToken, 'POST', `/v1/notifications/${bad}/read`)).json().error.code, bad).toBe('VALIDATION_FAILED');
    }
    expect((await list(viewer, '?unread=maybe')).error.code).toBe('VALIDATION_FAILED');
    // Several at once: the caller's own are marked (read ones again without harm); others are left out.
    const unreadIds = (await list(worker, '?unread')).map((n: { id: string }) => n.id);
    const many = await sendAs(app, worker.accessToken, 'POST', '/v1/notifications/read', { ids: [...unreadIds, unreadIds[0], '999999'] });
    expect(many.json()).toEqual({ read: [...unreadIds].sort((a, b) => Number(a) - Number(b)) });
    expect((await getAs(app, worker.accessToken, '/v1/notifications/unread-count')).json()).toEqual({ count: 0 });
    expect((await sendAs(app, outsider.accessToken, 'POST', '/v1/notifications/read', { ids: unreadIds })).json()).toEqual({ read: [] });
    for (const bad of [{ ids: [] }, { ids: ['abc'] }, { ids: Array.from({ length: 501 }, (_, i) => String(i + 1)) }, { ids: unreadIds, extra: 1 }, [], { ids: '1' }]) {
      expect((await sendAs(app, worker.accessToken, 'POST', '/v1/notifications/read', bad)).json().error.code, JSON.stringify(bad).slice(0, 60)).toBe('VALIDATION_FAILED');
    }
  });

  it('does not notify twice when the same event arrives again, and hides notifications older than 90 days', async () => {
    const raised = alarm('alarm_raised', 'alarm-old', clock.now - 91 * 24 * 60 * MINUTE);
    await ingest([raised]);
    await app.services.ingest.ingest(farm.edgeId, 'farm-a', { epoch: 'epoch-reinstalled', records: [{ ...raised, seq: 1 }] });
    const stored = await db.pool.query("SELECT count(*)::int AS n FROM notification WHERE farm_id = 'farm-a'");
    expect(stored.rows[0].n).toBe(4);
    const shown = (await getAs(app, viewer.accessToken, '/v1/notifications')).json();
    expect(shown).toHaveLength(3);
    const id = (await db.pool.query<{ id: string }>("SELECT n.id FROM notification n JOIN alarm_state a ON a.alarm_id = 'alarm-old' WHERE n.created_at = a.raised_at")).rows[0]!.id;
    expect((await sendAs(app, viewer.accessToken, 'POST', `/v1/notifications/${id}/read`)).json().error.code).toBe('NOT_FOUND');
  });
});
