import { canonicalize } from '@tokkatot/shared';
import { equalDocs } from './doc-hash.js';
import { toWireDoc, type WireDoc } from './wire.js';

/** Which writer wins a same-field conflict on a safety-critical field. */
export interface MergePolicy {
  /** Fields of a collection that follow the owner rule instead of the clock. */
  ownedFields(collection: string): readonly string[];
  /** Tells whether an HLC stamp was issued by an edge (the owner of safety-critical fields). */
  isOwnerStamp(hlc: string): boolean;
}

/** How one field on which both sides disagreed was settled; the losing value is kept here. */
export interface FieldResolution {
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
  chosen: 'local' | 'remote';
  rule: 'hlc' | 'owner' | 'rejected';
}

/** The merged document and every field that was decided, so no edit vanishes silently. */
export interface MergeResult {
  doc: WireDoc;
  resolutions: FieldResolution[];
  /** The master refused the local state (poison or read-only): the master state was taken whole. */
  rejected: boolean;
}

export interface MergeInput {
  collection: string;
  /** The assumed master state: the common ancestor. Absent for an insert/insert race. */
  base?: WireDoc;
  local: WireDoc;
  remote: WireDoc;
}

// Bookkeeping fields merged by rule, not by value: the stamp and time of the latest edit.
const META_FIELDS = new Set(['id', 'hlc', 'updatedAt']);

/**
 * Three-way field merge against the common ancestor. A field changed on one side only takes
 * that side; a field changed on both takes the later HLC stamp, except safety-critical fields,
 * which take the owner's (the edge's) value. Symmetric: swapping local and remote gives the same
 * document, so every replica that resolves the same conflict converges.
 */
export function mergeDocs(input: MergeInput, policy: MergePolicy): MergeResult {
  const base = input.base && toWireDoc(input.base);
  const local = toWireDoc(input.local);
  const remote = toWireDoc(input.remote);
  const owned = new Set(policy.ownedFields(input.collection));
  const localStamp = stampOf(local);
  const remoteStamp = stampOf(remote);
  const doc: Record<string, unknown> = { id: local.id };
  const resolutions: FieldResolution[] = [];
  const fields = new Set([...Object.keys(local), ...Object.keys(remote), ...Object.keys(base ?? {})]);
  for (const field of [...fields].sort()) {
    if (META_FIELDS.has(field)) continue;
    const lv = local[field];
    const rv = remote[field];
    const bv = base?.[field];
    let value: unknown;
    if (same(lv, rv)) value = lv;
    else if (base !== undefined && same(lv, bv)) value = rv;
    else if (base !== undefined && same(rv, bv)) value = lv;
    else {
      const { chosen, rule } = pickSide(owned.has(field), localStamp, remoteStamp, lv, rv, policy);
      value = chosen === 'local' ? lv : rv;
      resolutions.push({ field, base: bv, local: lv, remote: rv, chosen, rule });
    }
    if (value !== undefined) doc[field] = value;
  }
  setMax(doc, 'hlc', local.hlc, remote.hlc);
  setMax(doc, 'updatedAt', local.updatedAt, remote.updatedAt);
  doc._deleted = doc._deleted === true;
  return { doc: doc as WireDoc, resolutions, rejected: false };
}

/**
 * Resolves a conflict the master reported. When the master answered with the very state the
 * fork assumed (or with a tombstone of the fork's own insert), it refused the push for good
 * (invalid or read-only): the fork takes the master state and the refused fields are recorded.
 * Otherwise it is a genuine concurrent edit and `mergeDocs` decides.
 */
export function resolveConflict(input: MergeInput, policy: MergePolicy): MergeResult {
  const { base, local, remote } = input;
  const refusedUpdate = base !== undefined && equalDocs(base, remote);
  const refusedInsert = base === undefined && remote._deleted && !local._deleted && equalDocs({ ...local, _deleted: true }, remote);
  if (!refusedUpdate && !refusedInsert) return mergeDocs(input, policy);
  const resolutions: FieldResolution[] = [];
  const fields = new Set([...Object.keys(local), ...Object.keys(remote)]);
  for (const field of [...fields].sort()) {
    if (!same(local[field], remote[field])) {
      resolutions.push({ field, base: base?.[field], local: local[field], remote: remote[field], chosen: 'remote', rule: 'rejected' });
    }
  }
  return { doc: remote, resolutions, rejected: true };
}

function pickSide(
  isOwned: boolean,
  localStamp: string,
  remoteStamp: string,
  lv: unknown,
  rv: unknown,
  policy: MergePolicy,
): { chosen: 'local' | 'remote'; rule: 'hlc' | 'owner' } {
  if (isOwned) {
    const localOwns = policy.isOwnerStamp(localStamp);
    const remoteOwns = policy.isOwnerStamp(remoteStamp);
    if (localOwns !== remoteOwns) return { chosen: localOwns ? 'local' : 'remote', rule: 'owner' };
  }
  if (localStamp !== remoteStamp) return { chosen: localStamp > remoteStamp ? 'local' : 'remote', rule: 'hlc' };
  // Equal stamps (the same writer twice, or no stamps): the larger canonical value wins, so both orders agree.
  return { chosen: key(lv) > key(rv) ? 'local' : 'remote', rule: 'hlc' };
}

function stampOf(doc: WireDoc): string {
  return typeof doc.hlc === 'string' ? doc.hlc : '';
}

function setMax(doc: Record<string, unknown>, field: string, a: unknown, b: unknown): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined || b === undefined) doc[field] = a ?? b;
  else if (typeof a === 'number' && typeof b === 'number') doc[field] = Math.max(a, b);
  else doc[field] = key(a) >= key(b) ? a : b;
}

function key(value: unknown): string {
  return value === undefined ? '' : canonicalize(value);
}

function same(a: unknown, b: unknown): boolean {
  return key(a) === key(b);
}
