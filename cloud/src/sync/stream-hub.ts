import { ALL_COLLECTIONS, belongsToFarm, stripDeleted, type CollectionSpec, type StreamMessage, type WireDoc } from '@tokkatot/sync';
import type { ChangeNotifier, Unlisten } from '../db/change-notifier.js';
import { SYNC_NOTIFY_CHANNEL, type SyncDocStore } from '../db/sync-doc-store.js';

/** Where one live stream's messages go (an SSE response). */
export interface StreamSink {
  send(message: StreamMessage): void;
  comment(text: string): void;
  end(): void;
}

interface Connection {
  farmId: string;
  sink: StreamSink;
  /** Per collection: every row with a sequence up to here has been sent or superseded by a RESYNC. */
  sentThrough: Map<string, number>;
  chain: Promise<void>;
}

export interface StreamHubOptions {
  notifier: ChangeNotifier;
  store: SyncDocStore;
  collections: Readonly<Record<string, CollectionSpec>>;
  /** More new rows than this in one go are announced as RESYNC rather than sent. */
  pageLimit: number;
  heartbeatMs: number;
  onError: (error: unknown) => void;
}

// Greater than every id allowed ([A-Za-z0-9_-]) in byte order: "after every row of this sequence".
const AFTER_ALL_IDS = '~';

/**
 * Fans committed writes out to live streams. One subscription per instance; each stream
 * starts with a RESYNC (it may have missed writes while disconnected), then gets the rows
 * committed after it connected, in sequence order, each only after its transaction committed.
 */
export class StreamHub {
  private readonly connections = new Set<Connection>();
  private unlisten: Unlisten | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: StreamHubOptions) {}

  async start(): Promise<void> {
    this.unlisten = await this.options.notifier.listen(
      SYNC_NOTIFY_CHANNEL,
      (payload) => this.onNotification(payload),
      // Writes may have gone unannounced: end every stream; clients reconnect and start with a RESYNC.
      () => this.dropAll(),
    );
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) connection.sink.comment('heartbeat');
    }, this.options.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.connections.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  /** Number of open streams (status, tests). */
  get size(): number {
    return this.connections.size;
  }

  /** Opens a stream for a farm; returns the function that closes it. */
  async open(farmId: string, sink: StreamSink): Promise<() => void> {
    const startSeq = await this.options.store.currentSeq(farmId);
    const sentThrough = new Map(Object.keys(this.options.collections).map((name) => [name, startSeq]));
    const connection: Connection = { farmId, sink, sentThrough, chain: Promise.resolve() };
    this.connections.add(connection);
    sink.send({ collection: ALL_COLLECTIONS, resync: true });
    return () => this.connections.delete(connection);
  }

  /** Ends every stream, as a restart would; clients reconnect and get a RESYNC. */
  dropAll(): void {
    for (const connection of this.connections) connection.sink.end();
    this.connections.clear();
  }

  private onNotification(payload: string | undefined): void {
    let note: { farmId: string; collection: string };
    try {
      note = JSON.parse(payload ?? '') as { farmId: string; collection: string };
    } catch {
      return;
    }
    for (const connection of this.connections) {
      if (connection.farmId !== note.farmId || !connection.sentThrough.has(note.collection)) continue;
      connection.chain = connection.chain.then(() => this.flush(connection, note.collection)).catch(this.options.onError);
    }
  }

  private async flush(connection: Connection, collection: string): Promise<void> {
    if (!this.connections.has(connection)) return;
    const { store, pageLimit } = this.options;
    const after = connection.sentThrough.get(collection) ?? 0;
    const rows = await store.readPage(connection.farmId, collection, { seq: after, id: AFTER_ALL_IDS }, pageLimit + 1);
    if (rows.length === 0) return;
    if (rows.length > pageLimit) {
      connection.sentThrough.set(collection, await store.currentSeq(connection.farmId));
      connection.sink.send({ collection, resync: true });
      return;
    }
    const spec = this.options.collections[collection]!;
    const last = rows.at(-1)!;
    const documents: WireDoc[] = rows
      .map((row) => row.doc)
      .filter((doc) => spec.schema.safeParse(stripDeleted(doc)).success && belongsToFarm(collection, doc, connection.farmId));
    connection.sentThrough.set(collection, last.seq);
    connection.sink.send({ collection, documents, checkpoint: { seq: last.seq, id: last.doc.id } });
  }
}
