import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMergePolicy, hashDoc, MemoryForkStore, MemoryMaster, Replicator, SYNC_COLLECTIONS, type WireDoc } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 1);
const stamp = (wall: number, node: string) => `${String(T0 + wall).padStart(15, '0')}:00000:${node}`;
const coop = (id: string, name: string, wall: number, node: string) => ({ id, farmId: 'farm-1', hlc: stamp(wall, node), updatedAt: T0 + wall, name });

function peer(master: MemoryMaster, name: string) {
  const store = new MemoryForkStore();
  const replicator = new Replicator({
    store,
    transport: master,
    collections: ['coops', 'commands'],
    pullOnly: new Set(['commands']),
    policy: createMergePolicy(),
    farmId: 'farm-1',
    replicaName: name,
    now: () => T0,
    batchSize: 3,
  });
  return { store, replicator };
}

const live = (docs: WireDoc[]) => docs.filter((d) => !d._deleted).map(hashDoc).sort();

describe('Replicator', () => {
  it('carries an edit from one fork to another through the master', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    const a = peer(master, 'edge-farm-1');
    const b = peer(master, 'web-b');
    a.store.writeLocal('coops', coop('c1', 'Coop 1', 1, 'edge-farm-1'));
    await a.replicator.syncAll();
    await b.replicator.syncAll();
    expect(b.store.get('coops', 'c1')).toMatchObject({ name: 'Coop 1', _deleted: false });
  });

  it('merges concurrent edits of different fields and records one audit event per resolution', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    master.write('coops', { ...coop('c1', 'Coop 1', 1, 'web-b'), capacityBirds: 100 });
    const a = peer(master, 'edge-farm-1');
    const b = peer(master, 'web-b');
    await a.replicator.syncAll();
    await b.replicator.syncAll();
    a.store.writeLocal('coops', { ...coop('c1', 'Renamed', 2, 'edge-farm-1'), capacityBirds: 100 });
    b.store.writeLocal('coops', { ...coop('c1', 'Coop 1', 3, 'web-b'), capacityBirds: 250 });
    await b.replicator.syncAll();
    const pass = await a.replicator.syncAll();
    await b.replicator.syncAll();
    expect(pass.conflicts).toBe(1);
    expect(a.store.audit).toHaveLength(1);
    expect(a.store.audit[0]).toMatchObject({ type: 'sync_conflict_resolved', detail: { collection: 'coops', docId: 'c1' } });
    for (const side of [a.store.list('coops'), b.store.list('coops'), master.list('coops')]) {
      expect(side[0]).toMatchObject({ name: 'Renamed', capacityBirds: 250 });
    }
  });

  it('reverts an edit the master refuses as invalid instead of pushing it forever', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    master.write('coops', coop('c1', 'Coop 1', 1, 'web-b'));
    const a = peer(master, 'edge-farm-1');
    await a.replicator.syncAll();
    a.store.writeLocal('coops', { ...coop('c1', 'Coop 1', 2, 'edge-farm-1'), capacityBirds: -5 });
    a.store.writeLocal('coops', coop('c2', '', 2, 'edge-farm-1'));
    const pass = await a.replicator.syncAll();
    expect(pass.conflicts).toBe(2);
    expect(a.store.get('coops', 'c1')).toEqual(master.list('coops')[0]);
    expect(a.store.get('coops', 'c2')?._deleted).toBe(true);
    expect(a.store.listDirty('coops', 10)).toEqual([]);
    expect(a.store.audit.map((e) => ('detail' in e ? (e.detail as Record<string, unknown> | undefined)?.rejected : undefined))).toEqual([true, true]);
  });

  it('never lets a fork write to a pull-only collection', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    const a = peer(master, 'edge-farm-1');
    a.store.writeLocal('commands', { id: 'k1', farmId: 'farm-1' });
    await a.replicator.syncAll();
    expect(master.list('commands')).toEqual([]);
  });

  it('converges every fork and the master after any interleaving of edits and syncs (property)', async () => {
    const op = fc.record({
      peer: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom('edit', 'delete', 'sync', 'masterWrite'),
      id: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
      name: fc.constantFrom('A', 'B', 'C'),
      capacity: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
        const peers = [peer(master, 'edge-farm-1'), peer(master, 'web-a'), peer(master, 'web-b')];
        let wall = 10;
        for (const o of ops) {
          wall += 1;
          const p = peers[o.peer]!;
          const node = ['edge-farm-1', 'web-a', 'web-b'][o.peer]!;
          const current = p.store.get('coops', o.id);
          if (o.kind === 'edit') p.store.writeLocal('coops', { ...(current ?? {}), ...coop(o.id, o.name, wall, node), capacityBirds: o.capacity, _deleted: false });
          else if (o.kind === 'delete' && current) p.store.writeLocal('coops', { ...current, hlc: stamp(wall, node), _deleted: true });
          else if (o.kind === 'masterWrite') master.write('coops', { ...coop(o.id, o.name, wall, 'web-cloud'), capacityBirds: o.capacity });
          else await p.replicator.syncAll();
        }
        // Two quiet rounds: the first pushes resolutions, the second brings them to everyone.
        for (let round = 0; round < 2; round += 1) for (const p of peers) await p.replicator.syncAll();
        const expected = live(master.list('coops'));
        for (const p of peers) {
          expect(live(p.store.list('coops'))).toEqual(expected);
          expect(p.store.listDirty('coops', 100)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('Replicator stream handling', () => {
  it('pulls from its own checkpoint on a stream page, so writes made before the stream connected are not skipped', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    const a = peer(master, 'edge-farm-1');
    await a.replicator.syncAll();
    master.write('coops', coop('early', 'Written while disconnected', 1, 'web-a'));
    master.write('coops', coop('late', 'Sent on the stream', 2, 'web-a'));
    const page = await master.pull('coops', { seq: 1, id: '~' }, 10);
    await a.replicator.handleStreamMessage({ collection: 'coops', documents: page.documents, checkpoint: page.checkpoint! });
    expect(a.store.list('coops').map((d) => d.id)).toEqual(['early', 'late']);
  });

  it('ignores a stream page at or behind its checkpoint and runs a catch-up on RESYNC', async () => {
    const master = new MemoryMaster('farm-1', SYNC_COLLECTIONS);
    master.write('coops', coop('c1', 'One', 1, 'web-a'));
    const a = peer(master, 'edge-farm-1');
    await a.replicator.syncAll();
    const stale = { collection: 'coops', documents: [{ ...coop('c1', 'Old state', 0, 'web-a'), _deleted: false }], checkpoint: { seq: 1, id: 'c1' } };
    await a.replicator.handleStreamMessage(stale);
    expect(a.store.get('coops', 'c1')?.name).toBe('One');
    master.write('coops', coop('c2', 'Two', 2, 'web-a'));
    await a.replicator.handleStreamMessage({ collection: '*', resync: true });
    expect(a.store.get('coops', 'c2')?.name).toBe('Two');
  });
});
