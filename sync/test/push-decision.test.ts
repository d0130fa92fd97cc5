import { describe, expect, it } from 'vitest';
import { decidePush, rejectionAnswer, type WireDoc } from '../src/index.js';

const doc = (name: string, deleted = false): WireDoc => ({ id: 'c1', farmId: 'f1', name, _deleted: deleted });

describe('decidePush', () => {
  it('inserts a new document pushed without an assumed state', () => {
    expect(decidePush(undefined, { newDocumentState: doc('a') })).toEqual({ action: 'insert' });
  });

  it('reports an insert/insert race as a conflict returning the stored state', () => {
    expect(decidePush(doc('x'), { newDocumentState: doc('a') })).toEqual({ action: 'conflict', master: doc('x') });
  });

  it('updates when the assumed state equals the stored one, whatever the key order', () => {
    const assumed = { name: 'x', _deleted: false, farmId: 'f1', id: 'c1' } as WireDoc;
    expect(decidePush(doc('x'), { newDocumentState: doc('a'), assumedMasterState: assumed })).toEqual({ action: 'update' });
  });

  it('reports a stale assumed state as a conflict', () => {
    expect(decidePush(doc('y'), { newDocumentState: doc('a'), assumedMasterState: doc('x') })).toEqual({ action: 'conflict', master: doc('y') });
  });

  it('treats a retried push whose response was lost as a success that writes nothing', () => {
    expect(decidePush(doc('a'), { newDocumentState: doc('a'), assumedMasterState: doc('x') })).toEqual({ action: 'noop' });
    expect(decidePush(doc('a'), { newDocumentState: { ...doc('a'), _deleted: undefined } as unknown as WireDoc })).toEqual({ action: 'noop' });
  });

  it('demands a resync instead of resurrecting a document purged past the tombstone horizon', () => {
    expect(decidePush(undefined, { newDocumentState: doc('a'), assumedMasterState: doc('x') }, true)).toEqual({ action: 'resync' });
  });
});

describe('rejectionAnswer', () => {
  it('answers a refused push with the stored state, or a tombstone when nothing is stored', () => {
    expect(rejectionAnswer(doc('x'), doc('bad'))).toEqual(doc('x'));
    expect(rejectionAnswer(undefined, doc('bad'))).toEqual(doc('bad', true));
  });
});
