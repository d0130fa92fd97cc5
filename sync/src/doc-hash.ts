import { canonicalize, hashCanonical } from '@tokkatot/shared';
import { toWireDoc, type WireDoc } from './wire.js';

/** SHA-256 of a document's canonical JSON with `_deleted` normalised: equal hash = equal document. */
export function hashDoc(doc: Record<string, unknown> & { id: string }): string {
  return hashCanonical(toWireDoc(doc));
}

/** Tells whether two documents are the same state as RxDB's `isEqual` must see it. */
export function equalDocs(a: WireDoc | undefined, b: WireDoc | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalize(toWireDoc(a)) === canonicalize(toWireDoc(b));
}
