import type { Event } from '@tokkatot/shared';
import type { PushRow, SyncCheckpoint, WireDoc } from './wire.js';

/** What resolving one conflict produces: the document to keep and the audit event recording it. */
export interface ConflictOutcome {
  doc: WireDoc;
  audit?: Event;
}

/**
 * A fork's durable state for replication. Every method is atomic: documents, assumed master
 * states, checkpoints and audit events change together or not at all, so a kill at any point
 * loses nothing and duplicates nothing. Synchronous on purpose: SQLite transactions are.
 */
export interface ForkStore {
  getCheckpoint(collection: string): SyncCheckpoint | undefined;
  /** Stores a pulled page and its checkpoint; a document with an unpushed local change is kept as is. */
  applyPull(collection: string, docs: readonly WireDoc[], checkpoint: SyncCheckpoint): void;
  /** Local documents whose state differs from their assumed master state, with that state. */
  listDirty(collection: string, limit: number): PushRow[];
  /** The master accepted these states: each becomes the document's assumed master state. */
  markPushed(collection: string, docs: readonly WireDoc[]): void;
  /**
   * Re-reads the local document and its assumed state, lets `resolve` decide against the master's
   * state, writes the outcome, sets the assumed state to the master's and stores the audit event.
   */
  applyConflict(collection: string, master: WireDoc, resolve: (args: { base?: WireDoc; local: WireDoc }) => ConflictOutcome): void;
  /** Forgets the checkpoint and assumed states after "resync required"; unpushed local edits stay. */
  resetCollection(collection: string): void;
}

/** A failed request to the master, classified by its HTTP status (undefined = network). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The master's replication endpoints, however they are reached. */
export interface MasterTransport {
  pull(collection: string, checkpoint: SyncCheckpoint | undefined, batchSize: number): Promise<{ documents: WireDoc[]; checkpoint: SyncCheckpoint | null }>;
  /** Resolves to the master states of the conflicting rows (empty = all accepted). */
  push(collection: string, rows: readonly PushRow[]): Promise<WireDoc[]>;
}
