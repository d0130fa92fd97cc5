import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncDocStore } from '../../src/db/sync-doc-store.js';
import { listNotifications } from '../../src/api/queries/notifications.js';
import { EDGE_SILENT_AFTER_MS, EDGE_SILENT_KIND, executeSchedules } from '../../src/jobs/execute-schedules.js';
import { createTestDatabase } from '../support/test-database.js';

const NOW = Date.UTC(2026, 5, 1, 2, 0, 0);
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let store: SyncDocStore;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool;
  store = new SyncDocStore(pool);
  for (const farm of ['farm-quiet', 'farm-edge', 'farm-fresh', 'farm-never', 'farm-revoked']) await store.ensureFarm(farm, farm);
  const edge = (id: string, farm: string, revoked = false) =>
    pool.query('INSERT INTO edge (id, farm_id, name, token_hash, revoked_at) VALUES ($1, $2, $3, $4, $5)', [id, farm, 'Pi', 'x', revoked ? new Date(NOW) : null]);
  await edge('e-quiet', 'farm-quiet');
  await edge('e-edge', 'farm-edge');
  await edge('e-fresh', 'farm-fresh');
  await edge('e-fresh-old', 'farm-fresh');
  await edge('e-never', 'farm-never');
  await edge('e-revoked-live', 'farm-revoked', true);
  await edge('e-revoked-old', 'farm-revoked');
  const seen = (edgeId: string, farm: string, ms: number) => pool.query('INSERT INTO edge_presence (edge_id, farm_id, last_seen_ms) VALUES ($1, $2, $3)', [edgeId, farm, ms]);
  await seen('e-quiet', 'farm-quiet', NOW - EDGE_SILENT_AFTER_MS - 1);
  await seen('e-edge', 'farm-edge', NOW - EDGE_SILENT_AFTER_MS); // exactly at the threshold: not yet silent
  await seen('e-fresh', 'farm-fresh', NOW - 60_000);
  await seen('e-fresh-old', 'farm-fresh', NOW - 10 * EDGE_SILENT_AFTER_MS); // an old Pi beside a live one
  await seen('e-revoked-live', 'farm-revoked', NOW - 60_000); // revoked: its contact does not count
  await seen('e-revoked-old', 'farm-revoked', NOW - 2 * EDGE_SILENT_AFTER_MS);
});

afterAll(async () => {
  await db?.drop();
});

const command = (id: string, expiresAt: number) => ({ id, farmId: 'farm-quiet', type: 'silence_siren', issuedAt: NOW - 60_000, expiresAt, _deleted: false });

describe('executeSchedules', () => {
  it('tombstones commands whose expiry has come, and only those', async () => {
    await store.writeServerDocs('farm-quiet', 'commands', [command('due', NOW), command('past', NOW - 1), command('later', NOW + 1)], 'test');
    const report = await executeSchedules(pool, store, { now: () => NOW });
    expect(report.expiredCommands).toBe(2);
    const docs = await store.listAll('farm-quiet', 'commands');
    expect(Object.fromEntries(docs.map(({ doc }) => [doc.id, doc._deleted]))).toEqual({ due: true, past: true, later: false });
  });

  it('finds farms whose unrevoked edges have all been silent past the threshold and notifies each once per silence', async () => {
    const first = await executeSchedules(pool, store, { now: () => NOW });
    expect(first.silentFarms).toEqual([
      { farmId: 'farm-quiet', lastSeenMs: NOW - EDGE_SILENT_AFTER_MS - 1 },
      { farmId: 'farm-revoked', lastSeenMs: NOW - 2 * EDGE_SILENT_AFTER_MS },
    ]);
    const notes = async () => (await pool.query('SELECT farm_id, source_event_id, kind, title, body, created_at FROM notification ORDER BY farm_id, id')).rows;
    // The first test's run already notified both; this run adds nothing.
    expect(first.notified).toBe(0);
    const written = await notes();
    expect(written.map((row) => [row.farm_id, row.kind, Number(row.created_at)])).toEqual([
      ['farm-quiet', EDGE_SILENT_KIND, NOW],
      ['farm-revoked', EDGE_SILENT_KIND, NOW],
    ]);
    expect(written[0].body).toMatch(/has not reached the cloud since .*\(Asia\/Phnom_Penh\)/);
    // Listed with the last contact as a number, so a client says it in its own language and clock.
    const [listed] = await listNotifications(pool, 'someone', ['farm-quiet'], { now: NOW, unreadOnly: false, limit: 10 });
    expect(listed).toMatchObject({ kind: EDGE_SILENT_KIND, farmName: 'farm-quiet', timeZone: 'Asia/Phnom_Penh', lastSeenAt: NOW - EDGE_SILENT_AFTER_MS - 1, alarm: null });
    // The edge comes back, then goes silent again: a new silence, a new notification.
    await pool.query("UPDATE edge_presence SET last_seen_ms = $1 WHERE edge_id = 'e-quiet'", [NOW + 1000]);
    const later = NOW + 1000 + EDGE_SILENT_AFTER_MS + 1;
    const again = await executeSchedules(pool, store, { now: () => later });
    // Six hours on, every farm that was ever seen is silent; farm-revoked is still in its first silence.
    expect(again.silentFarms.map((farm) => farm.farmId)).toEqual(['farm-edge', 'farm-fresh', 'farm-quiet', 'farm-revoked']);
    expect(again.notified).toBe(3);
    expect((await notes()).filter((row) => row.farm_id === 'farm-quiet')).toHaveLength(2);
  });
});
