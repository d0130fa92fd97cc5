import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMergePolicy, MemoryMaster, Replicator, SYNC_COLLECTIONS } from '@tokkatot/sync';
import { openSyncDatabase } from '../../src/db/sync/open-sync-database.js';
import { SqliteForkStore } from '../../src/db/sync/sqlite-fork-store.js';
import { SqliteOutbox } from '../../src/db/sync/sqlite-outbox.js';

const T0 = Date.UTC(2026, 0, 1);
const stamp = (wall: number, node: string) => `${String(T0 + wall).padStart(15, '0')}:00000:${node}`;
const coop = (id: string, name: string, wall: number, node = 'edge-farm-1') => ({ id, farmId: 'farm-1', hlc: stamp(wall, node), updatedAt: T0 + wall, name });

let dir: string;
let db: Database.Database;
let store: SqliteForkStore;
let outbox: SqliteOutbox;

function open(): void {
  db = openSyncDatabase(join(dir, 'edge.db'));
  outbox = new SqliteOutbox(db);
  store = new SqliteForkStore(db, outbox, () => T0);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-fork-'));
  open();
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const replicatorFor = (master: MemoryMaster) =>
  new Replicator({ store, transport: master, collections: ['coops'], pullOnly: new Set(), policy: createMergePolicy(), farmId: 'farm-1', replicaName: 'edge-farm-1', now: () => T0, batchSize: 2 });

describe('SqliteForkStore', () => {
  it('pulls pages with their checkpoint and keeps both across a reopen', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    for (let i = 0; i < 5; i += 1) master.write('coops', coop(`c${i}`, `Coop ${i}`, i, 'web-a'));
    await replicatorFor(master).syncAll();
    const checkpoint = store.getCheckpoint('coops');
    db.close();
    open();
    expect(store.list('coops').map((d) => d.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(store.getCheckpoint('coops')).toEqual(checkpoint);
    expect(store.listDirty('coops', 10)).toEqual([]);
  });

  it('keeps an unpushed local edit when a newer master state is pulled, and merges on push', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    master.write('coops', { ...coop('c1', 'Coop 1', 1, 'web-a'), capacityBirds: 10 });
    const replicator = replicatorFor(master);
    await replicator.syncAll();
    store.writeLocal('coops', { ...coop('c1', 'Edge name', 2), capacityBirds: 10 });
    master.write('coops', { ...coop('c1', 'Coop 1', 3, 'web-a'), capacityBirds: 99 });
    store.applyPull('coops', master.list('coops'), { seq: 99, id: 'c1' });
    expect(store.get('coops', 'c1')).toMatchObject({ name: 'Edge name', capacityBirds: 10 });
    const pass = await replicator.syncAll();
    expect(pass.conflicts).toBe(1);
    expect(store.get('coops', 'c1')).toMatchObject({ name: 'Edge name', capacityBirds: 99 });
    expect(master.list('coops')[0]).toMatchObject({ name: 'Edge name', capacityBirds: 99 });
  });

  it('writes the audit event of a resolution into the outbox in the same transaction as the document', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    master.write('coops', coop('c1', 'Cloud', 5, 'web-a'));
    store.writeLocal('coops', coop('c1', 'Edge', 4));
    await replicatorFor(master).syncAll();
    const audit = outbox.pending(10);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ stream: 'critical', payload: { type: 'sync_conflict_resolved', detail: { docId: 'c1' } } });
    expect(store.get('coops', 'c1')?.name).toBe('Cloud');
  });

  it('forgets checkpoint and clean documents on reset but keeps unpushed edits', () => {
    store.applyPull('coops', [{ ...coop('c1', 'A', 1), _deleted: false }, { ...coop('c2', 'B', 1), _deleted: false }], { seq: 3, id: 'c2' });
    store.writeLocal('coops', coop('c2', 'B edited', 2));
    store.resetCollection('coops');
    expect(store.getCheckpoint('coops')).toBeUndefined();
    expect(store.list('coops').map((d) => d.name)).toEqual(['B edited']);
    expect(store.listDirty('coops', 10)).toEqual([{ newDocumentState: { ...coop('c2', 'B edited', 2), _deleted: false } }]);
  });
});

describe('SqliteOutbox', () => {
  it('numbers each stream on its own and never reuses an acknowledged sequence', () => {
    expect(outbox.append('readings', 1, { a: 1 })).toBe(1);
    expect(outbox.append('critical', 2, { a: 2 })).toBe(1);
    expect(outbox.append('readings', 3, { a: 3 })).toBe(2);
    outbox.acknowledge({ readings: 2 });
    expect(outbox.append('readings', 4, { a: 4 })).toBe(3);
  });

  it('hands records out by priority and reports depth and age', () => {
    outbox.append('readings', 100, 'r');
    outbox.append('events', 50, 'e');
    outbox.append('critical', 70, 'c');
    outbox.append('aggregates', 90, 'g');
    expect(outbox.pending(10).map((r) => r.stream)).toEqual(['critical', 'events', 'aggregates', 'readings']);
    expect(outbox.depth()).toEqual({ records: 4, bytes: 12, oldestTs: 50 });
    expect(outbox.acknowledge({ critical: 1, events: 0 })).toBe(1);
    expect(outbox.depth().records).toBe(3);
  });
});
