/**
 * The offline copy of one farm's configuration: an RxDB database on Dexie (IndexedDB) whose
 * collections replicate from the cloud's sync endpoints (`/v1/sync/:collection/pull` and the
 * multiplexed `/v1/sync/stream`), with the account token and `X-Tokkatot-Farm`. Loaded lazily.
 *
 * Pull-only on purpose: the dashboard edits thresholds and schedules through the farm API
 * (PATCH, validated and audited there), which writes the sync document the edge pulls; the next
 * pull or stream event brings the edited document back here. Nothing is written locally, so the
 * default "master wins" conflict handler can never drop an edit.
 */
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { Subject } from 'rxjs';
import { readEvents } from '../api/sse.js';
import { REPLICATED, type ConfigDoc, type ReplicatedName, type RunningReplica } from './replica-types.js';

export interface ReplicaOptions {
  farmId: string;
  /** fetch with the account's token and the farm header. */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  onDocs: (name: ReplicatedName, docs: ConfigDoc[]) => void;
  onSynced: (at: number) => void;
}

/**
 * The documents are stored as the server sends them. The schema names only the key fields:
 * the server validates every document with the shared zod schemas before serving it, and the
 * copy is never written to by this app.
 */
const SCHEMA: RxJsonSchema<ConfigDoc> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    farmId: { type: 'string', maxLength: 64 },
    hlc: { type: 'string' },
    updatedAt: { type: 'number' },
  },
  required: ['id'],
};

const RETRY_MS = 5000;

/** IndexedDB names allow anything, RxDB's do not: the farm id, hex-encoded. */
function databaseName(farmId: string): string {
  return `tokkatot_${Array.from(new TextEncoder().encode(farmId), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

type Checkpoint = { seq: number; id: string };

export async function startReplica(options: ReplicaOptions): Promise<RunningReplica> {
  const db: RxDatabase = await createRxDatabase({ name: databaseName(options.farmId), storage: getRxStorageDexie(), multiInstance: true, eventReduce: true });
  await db.addCollections(Object.fromEntries(REPLICATED.map((name) => [name, { schema: SCHEMA }])));
  const streams = new Map<ReplicatedName, Subject<unknown>>();
  const replications: Array<RxReplicationState<ConfigDoc, Checkpoint>> = [];
  const subscriptions: Array<{ unsubscribe(): void }> = [];

  for (const name of REPLICATED) {
    const collection = db[name] as RxCollection<ConfigDoc>;
    subscriptions.push(
      collection.find().$.subscribe((docs) => {
        options.onDocs(
          name,
          docs.map((doc) => {
            const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...plain } = doc.toMutableJSON() as ConfigDoc & Record<string, unknown>;
            return plain as ConfigDoc;
          }),
        );
      }),
    );
    const stream = new Subject<unknown>();
    streams.set(name, stream);
    const state = replicateRxCollection<ConfigDoc, Checkpoint>({
      collection,
      // Stable per collection and endpoint major version: a new identifier means a full re-pull.
      replicationIdentifier: `tokkatot-dashboard-v1-${name}`,
      live: true,
      retryTime: RETRY_MS,
      autoStart: true,
      pull: {
        batchSize: 100,
        handler: async (checkpoint, batchSize) => {
          const query = new URLSearchParams({ limit: String(batchSize), ...(checkpoint ? { seq: String(checkpoint.seq), id: checkpoint.id } : {}) });
          const response = await options.fetch(`/v1/sync/${name}/pull?${query}`);
          if (!response.ok) throw new Error(`pull ${name}: ${response.status}`);
          const page = (await response.json()) as { documents: ConfigDoc[]; checkpoint: Checkpoint };
          options.onSynced(Date.now());
          return page as never;
        },
        stream$: stream.asObservable() as never,
      },
    });
    replications.push(state);
  }

  // One stream for every collection (browsers allow few connections per origin).
  const abort = new AbortController();
  let closed = false;
  const streamLoop = (async () => {
    while (!closed) {
      try {
        const response = await options.fetch('/v1/sync/stream', { signal: abort.signal, headers: { accept: 'text/event-stream' } });
        if (!response.ok) throw new Error(`stream ${response.status}`);
        await readEvents(response, ({ data }) => {
          const message = JSON.parse(data) as { collection: string; resync?: boolean; documents?: unknown[]; checkpoint?: unknown };
          if (message.resync || message.documents) options.onSynced(Date.now());
          for (const [name, subject] of streams) {
            if (message.collection !== '*' && message.collection !== name) continue;
            subject.next(message.resync ? 'RESYNC' : { documents: message.documents, checkpoint: message.checkpoint });
          }
        });
      } catch {
        // Dropped, refused or offline: reconnect below; the server starts every stream with RESYNC.
      }
      if (!closed) await waitForRetry(abort.signal);
    }
  })();

  return {
    async close(remove: boolean) {
      closed = true;
      abort.abort();
      for (const subscription of subscriptions) subscription.unsubscribe();
      await Promise.all(replications.map((state) => state.cancel()));
      await streamLoop.catch(() => undefined);
      if (remove) await db.remove();
      else await db.close();
    },
  };
}

/** Waits RETRY_MS, or less when the browser says it is back online. */
function waitForRetry(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, RETRY_MS);
    window.addEventListener('online', done);
    signal.addEventListener('abort', done);
  });
}
