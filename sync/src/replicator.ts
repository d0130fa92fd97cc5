import { newId } from '@tokkatot/shared';
import { buildConflictAudit } from './conflict-audit.js';
import { TransportError, type ForkStore, type MasterTransport } from './fork-store.js';
import { resolveConflict, type MergePolicy } from './merge.js';
import { ALL_COLLECTIONS, compareCheckpoints, type StreamMessage, type SyncCheckpoint } from './wire.js';

export interface ReplicatorOptions {
  store: ForkStore;
  transport: MasterTransport;
  /** Collections to replicate, and the ones this fork may only read. */
  collections: readonly string[];
  pullOnly: ReadonlySet<string>;
  policy: MergePolicy;
  farmId: string;
  /** Names this replica in audit events ("edge-farm1"). */
  replicaName: string;
  now: () => number;
  batchSize?: number;
  /** Safety net against a master that keeps answering with conflicts. */
  maxPushRounds?: number;
  /** Loop protection: at most this many "resync required" restarts per collection per hour. */
  maxResyncsPerHour?: number;
}

/** Counts from one sync pass, for status and tests. */
export interface SyncPassResult {
  pulled: number;
  pushed: number;
  conflicts: number;
}

/**
 * The fork half of RxDB's replication protocol (reference/sync.md §1.6), over any store and
 * transport: checkpointed pull that skips documents with unpushed edits, push with the assumed
 * master state, conflicts resolved by the shared merge with an audit event each time, and
 * stream messages applied only when they move the checkpoint forward. Calls are serialised.
 */
export class Replicator {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly resyncs = new Map<string, number[]>();

  constructor(private readonly options: ReplicatorOptions) {}

  /** Pull catch-up then push, for every collection. */
  syncAll(): Promise<SyncPassResult> {
    return this.serialise(async () => {
      const total: SyncPassResult = { pulled: 0, pushed: 0, conflicts: 0 };
      for (const collection of this.options.collections) {
        total.pulled += await this.pullCatchUp(collection);
        const pushed = await this.pushAll(collection);
        total.pushed += pushed.pushed;
        total.conflicts += pushed.conflicts;
      }
      return total;
    });
  }

  /** Acts on one live-stream message: a page newer than our checkpoint or a RESYNC both start a catch-up. */
  handleStreamMessage(message: StreamMessage): Promise<SyncPassResult | void> {
    if ('resync' in message) {
      if (message.collection === ALL_COLLECTIONS) return this.syncAll();
      return this.serialise(async () => ({ pulled: await this.pullCatchUp(message.collection), pushed: 0, conflicts: 0 }));
    }
    return this.serialise(async () => {
      if (!this.options.collections.includes(message.collection)) return;
      const current = this.options.store.getCheckpoint(message.collection);
      // At or behind our checkpoint: a pull already covered it, and applying it could regress a document.
      if (current && compareCheckpoints(message.checkpoint, current) <= 0) return;
      // Otherwise pull rather than apply: the stream may have started after writes we have not seen,
      // and taking its checkpoint would skip them. A pull from our own checkpoint cannot.
      return { pulled: await this.pullCatchUp(message.collection), pushed: 0, conflicts: 0 };
    });
  }

  /** Forgets one collection's checkpoint (after "resync required") and pulls it from scratch. */
  resync(collection: string): Promise<number> {
    return this.serialise(async () => {
      this.options.store.resetCollection(collection);
      return this.pullCatchUp(collection);
    });
  }

  private async pullCatchUp(collection: string): Promise<number> {
    const { store } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    let pulled = 0;
    for (;;) {
      const checkpoint = store.getCheckpoint(collection);
      const page = await this.pullPage(collection, checkpoint, batchSize);
      if (page.checkpoint) store.applyPull(collection, page.documents, page.checkpoint);
      pulled += page.documents.length;
      // A short page means caught up (RxDB's rule); the server returns full pages whenever more exists.
      if (page.documents.length < batchSize || !page.checkpoint) return pulled;
    }
  }

  // A checkpoint older than the tombstone horizon: forget it and start from scratch, a bounded number of times.
  private async pullPage(collection: string, checkpoint: SyncCheckpoint | undefined, batchSize: number) {
    try {
      return await this.options.transport.pull(collection, checkpoint, batchSize);
    } catch (error) {
      if (!(error instanceof TransportError) || error.status !== 410 || checkpoint === undefined) throw error;
      const now = this.options.now();
      const recent = (this.resyncs.get(collection) ?? []).filter((at) => now - at < 3_600_000);
      if (recent.length >= (this.options.maxResyncsPerHour ?? 3)) throw error;
      this.resyncs.set(collection, [...recent, now]);
      this.options.store.resetCollection(collection);
      return this.options.transport.pull(collection, undefined, batchSize);
    }
  }

  private async pushAll(collection: string): Promise<{ pushed: number; conflicts: number }> {
    const { store, transport } = this.options;
    if (this.options.pullOnly.has(collection)) return { pushed: 0, conflicts: 0 };
    const batchSize = this.options.batchSize ?? 100;
    let pushed = 0;
    let conflicts = 0;
    for (let round = 0; round < (this.options.maxPushRounds ?? 50); round += 1) {
      const rows = store.listDirty(collection, batchSize);
      if (rows.length === 0) break;
      const masters = await transport.push(collection, rows);
      const conflicting = new Map(masters.map((doc) => [doc.id, doc]));
      store.markPushed(
        collection,
        rows.filter((row) => !conflicting.has(row.newDocumentState.id)).map((row) => row.newDocumentState),
      );
      for (const master of masters) this.resolve(collection, master);
      pushed += rows.length - masters.length;
      conflicts += masters.length;
    }
    return { pushed, conflicts };
  }

  private resolve(collection: string, master: Parameters<ForkStore['applyConflict']>[1]): void {
    const { store, policy, farmId, replicaName, now } = this.options;
    store.applyConflict(collection, master, ({ base, local }) => {
      const result = resolveConflict({ collection, ...(base ? { base } : {}), local, remote: master }, policy);
      const ts = now();
      const audit = buildConflictAudit({ id: newId(ts), farmId, ts, collection, docId: master.id, resolvedBy: replicaName, result });
      return { doc: result.doc, audit };
    });
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
