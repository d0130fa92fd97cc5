import { equalDocs } from './doc-hash.js';
import type { PushRow, WireDoc } from './wire.js';

/** What the master does with one pushed row (reference/sync.md §1.4). */
export type PushDecision =
  | { action: 'insert' }
  | { action: 'update' }
  /** The stored state already equals the new state: a retry whose response was lost. */
  | { action: 'noop' }
  | { action: 'conflict'; master: WireDoc }
  /** The fork assumes a state whose record was purged: it must re-sync, never resurrect. */
  | { action: 'resync' };

/**
 * Decides one push row against the stored master state. Equality is canonical JSON, never a
 * single timestamp field, so a lost response retried is a success and not a false conflict.
 */
export function decidePush(stored: WireDoc | undefined, row: PushRow, purgedBefore = false): PushDecision {
  const { newDocumentState, assumedMasterState } = row;
  if (stored !== undefined && equalDocs(stored, newDocumentState)) return { action: 'noop' };
  if (stored === undefined) {
    if (assumedMasterState !== undefined && purgedBefore) return { action: 'resync' };
    return { action: 'insert' };
  }
  if (assumedMasterState === undefined) return { action: 'conflict', master: stored };
  if (!equalDocs(stored, assumedMasterState)) return { action: 'conflict', master: stored };
  return { action: 'update' };
}

/**
 * The answer to a push the master refuses for good (invalid document, read-only collection):
 * the protocol has no reject channel, so it is a conflict returning the stored state. With no
 * stored state the pushed document comes back as a tombstone, so the fork deletes it.
 */
export function rejectionAnswer(stored: WireDoc | undefined, pushed: WireDoc): WireDoc {
  return stored ?? { ...pushed, _deleted: true };
}
