import { z } from 'zod';

/** A document as it travels: the schema fields plus `_deleted` (RxDB's `WithDeleted<T>`). */
export type WireDoc = Record<string, unknown> & { id: string; _deleted: boolean };

/** A server-assigned position: the per-farm sequence, with the document id as tie-break. */
export const SyncCheckpointSchema = z.strictObject({
  id: z.string().max(64),
  seq: z.number().int().min(0),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpointSchema>;

/** Any JSON object with an id; the collection schema checks the rest. */
export const WireDocSchema = z.looseObject({ id: z.string().min(1).max(64), _deleted: z.boolean().optional() });

/** One answer page of the pull endpoint. */
export const PullResponseSchema = z.strictObject({
  documents: z.array(WireDocSchema),
  checkpoint: SyncCheckpointSchema.nullable(),
});
export type PullResponse = { documents: WireDoc[]; checkpoint: SyncCheckpoint | null };

/** One row of a push: `assumedMasterState` is absent for documents the fork never saw from the master. */
export const PushRowSchema = z.strictObject({
  newDocumentState: WireDocSchema,
  assumedMasterState: WireDocSchema.optional(),
});
export type PushRow = { newDocumentState: WireDoc; assumedMasterState?: WireDoc };

/** The push body: ids unique within one call (RxDB guarantees it; we check it). */
export const PushRequestSchema = z
  .array(PushRowSchema)
  .max(1000)
  .refine((rows) => new Set(rows.map((row) => row.newDocumentState.id)).size === rows.length, 'document ids must be unique within one push');

/** A live-stream message: a page for one collection, or a demand to re-run catch-up. */
export const StreamMessageSchema = z.union([
  z.strictObject({ collection: z.string(), documents: z.array(WireDocSchema), checkpoint: SyncCheckpointSchema }),
  z.strictObject({ collection: z.string(), resync: z.literal(true) }),
]);
export type StreamMessage =
  | { collection: string; documents: WireDoc[]; checkpoint: SyncCheckpoint }
  | { collection: string; resync: true };

/** Wildcard collection name in a stream RESYNC: every collection must catch up. */
export const ALL_COLLECTIONS = '*';

/** Normalises a document for the wire: `_deleted` always present as a boolean (RxDB's `!!_deleted`). */
export function toWireDoc(doc: Record<string, unknown> & { id: string }): WireDoc {
  return { ...doc, _deleted: doc._deleted === true };
}

/** Orders checkpoints: by sequence, then id. */
export function compareCheckpoints(a: SyncCheckpoint, b: SyncCheckpoint): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Strips the delete flag, leaving the schema fields the collection validates. */
export function stripDeleted(doc: WireDoc): Record<string, unknown> {
  const { _deleted: _ignored, ...body } = doc;
  return body;
}
