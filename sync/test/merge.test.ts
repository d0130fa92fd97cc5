import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMergePolicy, mergeDocs, resolveConflict, type WireDoc } from '../src/index.js';

const policy = createMergePolicy();
const stamp = (wall: number, node: string) => `${String(wall).padStart(15, '0')}:00000:${node}`;

const output = (over: Partial<Record<string, unknown>> = {}): WireDoc => ({
  id: 'out-1',
  farmId: 'farm-1',
  hlc: stamp(1_700_000_000_000, 'web-a'),
  updatedAt: 1_700_000_000_000,
  name: 'Fan 1',
  failSafeState: 'off',
  maxOnSeconds: 600,
  _deleted: false,
  ...over,
});

describe('mergeDocs', () => {
  it('keeps both sides when they changed different fields', () => {
    const base = output();
    const local = output({ name: 'Fan east', hlc: stamp(1_700_000_001_000, 'edge-farm-1') });
    const remote = output({ maxOnSeconds: 900, hlc: stamp(1_700_000_002_000, 'web-a') });
    const { doc, resolutions } = mergeDocs({ collection: 'outputs', base, local, remote }, policy);
    expect(doc).toMatchObject({ name: 'Fan east', maxOnSeconds: 900, hlc: remote.hlc });
    expect(resolutions).toEqual([]);
  });

  it('takes the later HLC stamp when both changed the same ordinary field, and records the loser', () => {
    const base = output();
    const local = output({ name: 'Edge name', hlc: stamp(1_700_000_003_000, 'edge-farm-1') });
    const remote = output({ name: 'Cloud name', hlc: stamp(1_700_000_002_000, 'web-a') });
    const { doc, resolutions } = mergeDocs({ collection: 'outputs', base, local, remote }, policy);
    expect(doc.name).toBe('Edge name');
    expect(resolutions).toEqual([{ field: 'name', base: 'Fan 1', local: 'Edge name', remote: 'Cloud name', chosen: 'local', rule: 'hlc' }]);
  });

  it('gives safety-critical fields to the edge even when the cloud edit is later', () => {
    const base = output();
    const edge = output({ failSafeState: 'on', hlc: stamp(1_700_000_001_000, 'edge-farm-1') });
    const cloud = output({ failSafeState: 'off', maxOnSeconds: 60, hlc: stamp(1_700_000_009_000, 'web-a') });
    const edgeRemote = mergeDocs({ collection: 'outputs', base: output({ maxOnSeconds: 1 }), local: cloud, remote: edge }, policy);
    expect(edgeRemote.doc).toMatchObject({ failSafeState: 'on', maxOnSeconds: 600 });
    const bothEdited = mergeDocs(
      { collection: 'outputs', base, local: output({ maxOnSeconds: 300, hlc: stamp(1_700_000_001_000, 'edge-farm-1') }), remote: cloud },
      policy,
    );
    expect(bothEdited.doc.maxOnSeconds).toBe(300);
    expect(bothEdited.resolutions).toContainEqual(expect.objectContaining({ field: 'maxOnSeconds', chosen: 'local', rule: 'owner' }));
  });

  it('settles an insert/insert race (no common ancestor) by the later stamp', () => {
    const local = output({ name: 'A', hlc: stamp(1_700_000_001_000, 'web-a') });
    const remote = output({ name: 'B', hlc: stamp(1_700_000_002_000, 'web-b') });
    expect(mergeDocs({ collection: 'coops', local, remote }, policy).doc.name).toBe('B');
  });

  it('keeps a delete made on one side while the other edited a field', () => {
    const base = output();
    const local = output({ _deleted: true, hlc: stamp(1_700_000_001_000, 'web-a') });
    const remote = output({ name: 'renamed', hlc: stamp(1_700_000_002_000, 'edge-farm-1') });
    const { doc } = mergeDocs({ collection: 'outputs', base, local, remote }, policy);
    expect(doc).toMatchObject({ _deleted: true, name: 'renamed' });
  });
});

describe('resolveConflict', () => {
  it('takes the master state whole when the master refused an edit it had assumed unchanged', () => {
    const base = output();
    const local = output({ name: '' });
    const result = resolveConflict({ collection: 'outputs', base, local, remote: base }, policy);
    expect(result.rejected).toBe(true);
    expect(result.doc).toEqual(base);
    expect(result.resolutions).toEqual([expect.objectContaining({ field: 'name', local: '', rule: 'rejected' })]);
  });

  it('deletes a refused insert, answered as its own tombstone', () => {
    const local = output({ name: '' });
    const result = resolveConflict({ collection: 'outputs', local, remote: { ...local, _deleted: true } }, policy);
    expect(result).toMatchObject({ rejected: true, doc: { _deleted: true } });
  });
});

// Small value spaces so that fields collide often.
const fieldValue = fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 3 }), fc.constant(undefined));
const arbDoc = fc
  .record({
    wall: fc.integer({ min: 1, max: 5 }),
    node: fc.constantFrom('edge-farm-1', 'web-a', 'web-b'),
    name: fieldValue,
    failSafeState: fieldValue,
    maxOnSeconds: fieldValue,
    extra: fieldValue,
    deleted: fc.boolean(),
  })
  .map(({ wall, node, deleted, ...fields }) => {
    const doc: Record<string, unknown> = { id: 'd1', hlc: stamp(1_700_000_000_000 + wall, node), _deleted: deleted };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) doc[key] = value;
    return doc as WireDoc;
  });

describe('mergeDocs (properties)', () => {
  it('is commutative: swapping the sides yields the same document', () => {
    fc.assert(
      fc.property(fc.option(arbDoc, { nil: undefined }), arbDoc, arbDoc, (base, a, b) => {
        const ab = mergeDocs({ collection: 'outputs', ...(base ? { base } : {}), local: a, remote: b }, policy).doc;
        const ba = mergeDocs({ collection: 'outputs', ...(base ? { base } : {}), local: b, remote: a }, policy).doc;
        expect(ab).toEqual(ba);
      }),
      { numRuns: 500 },
    );
  });

  it('never drops an edit silently: every changed field is in the result or in a resolution', () => {
    fc.assert(
      fc.property(arbDoc, arbDoc, arbDoc, (base, local, remote) => {
        const { doc, resolutions } = mergeDocs({ collection: 'outputs', base, local, remote }, policy);
        for (const side of [local, remote]) {
          for (const field of ['name', 'failSafeState', 'maxOnSeconds', 'extra', '_deleted']) {
            const changed = JSON.stringify(side[field]) !== JSON.stringify(base[field]);
            const kept = JSON.stringify(doc[field]) === JSON.stringify(side[field]);
            if (changed && !kept) expect(resolutions.map((r) => r.field)).toContain(field);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: merging a document with itself changes nothing', () => {
    fc.assert(
      fc.property(arbDoc, arbDoc, (base, doc) => {
        const merged = mergeDocs({ collection: 'outputs', base, local: doc, remote: doc }, policy);
        expect(merged.doc).toEqual(doc);
        expect(merged.resolutions).toEqual([]);
      }),
    );
  });

  it('lets the edge value of a safety-critical field win over any non-edge edit', () => {
    fc.assert(
      fc.property(arbDoc, arbDoc, arbDoc, (base, a, b) => {
        const edge: WireDoc = { ...a, hlc: stamp(1_700_000_000_001, 'edge-farm-1') };
        const cloud: WireDoc = { ...b, hlc: stamp(1_700_000_000_009, 'web-a') };
        const { doc } = mergeDocs({ collection: 'outputs', base, local: cloud, remote: edge }, policy);
        if (JSON.stringify(edge.failSafeState) !== JSON.stringify(base.failSafeState)) {
          expect(doc.failSafeState).toEqual(edge.failSafeState);
        }
      }),
    );
  });
});
