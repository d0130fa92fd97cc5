import { z } from 'zod';
import { CoopSchema, HybridLogicalClock, OutputSchema } from '@tokkatot/shared';
import { CommandSchema, createMergePolicy, equalDocs, resolveConflict, type WireDoc } from '@tokkatot/sync';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxConflictHandler, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { disableWarnings, RxDBDevModePlugin } from 'rxdb/plugins/dev-mode';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { Subject } from 'rxjs';

disableWarnings();
addRxPlugin(RxDBDevModePlugin);

/** The RxDB schema of a collection, generated from the same zod schema the server validates with. */
export function rxSchemaOf(schema: z.ZodType): RxJsonSchema<Record<string, unknown>> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, version: 0, primaryKey: 'id', type: 'object' } as unknown as RxJsonSchema<Record<string, unknown>>;
}

const COLLECTIONS = { coops: CoopSchema, outputs: OutputSchema, commands: CommandSchema } as const;
type Name = keyof typeof COLLECTIONS;

// RxDB may hand the handler its internal fields; the protocol compares document states only.
function plain(doc: Record<string, unknown>): WireDoc {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = doc;
  return { ...rest, _deleted: rest._deleted === true } as WireDoc;
}

/**
 * An unmodified RxDB 17.6.0 client (memory storage, ajv validation, dev mode) replicating one
 * farm with the cloud over HTTP and SSE, with the same merge function as the edge.
 */
export class RxdbPeer {
  readonly resolutions: Array<{ collection: string; id: string; rejected: boolean; rules: string[] }> = [];
  readonly errors: string[] = [];
  private db!: RxDatabase;
  private readonly replications = new Map<Name, RxReplicationState<Record<string, unknown>, unknown>>();
  private readonly streams = new Map<Name, Subject<unknown>>();
  private streamAbort = new AbortController();
  private streamLoop: Promise<void> | undefined;
  private stopped = false;
  readonly clock: HybridLogicalClock;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly batchSize = 50,
  ) {
    this.clock = new HybridLogicalClock({ node: name, now: Date.now });
  }

  async start(collections: Name[] = ['coops']): Promise<void> {
    this.db = await createRxDatabase({ name: `${this.name}-${Math.random().toString(36).slice(2)}`, storage: wrappedValidateAjvStorage({ storage: getRxStorageMemory() }), multiInstance: false });
    const policy = createMergePolicy();
    const handler = (collection: Name): RxConflictHandler<Record<string, unknown>> => ({
      isEqual: (a, b) => equalDocs(plain(a), plain(b)),
      resolve: async (input) => {
        const result = resolveConflict(
          {
            collection,
            ...(input.assumedMasterState ? { base: plain(input.assumedMasterState) } : {}),
            local: plain(input.newDocumentState),
            remote: plain(input.realMasterState),
          },
          policy,
        );
        // The dashboard records every resolution; here the test keeps them.
        this.resolutions.push({ collection, id: String(input.realMasterState.id), rejected: result.rejected, rules: result.resolutions.map((r) => `${r.field}:${r.rule}:${r.chosen}`) });
        return result.doc as never;
      },
    });
    await this.db.addCollections(
      Object.fromEntries(collections.map((name) => [name, { schema: rxSchemaOf(COLLECTIONS[name]), conflictHandler: handler(name) }])),
    );
    for (const name of collections) this.replicate(name);
    this.streamLoop = this.runStream();
  }

  collection(name: Name): RxCollection<Record<string, unknown>> {
    return this.db[name] as RxCollection<Record<string, unknown>>;
  }

  /** Live documents as plain JSON, by id. */
  async live(name: Name): Promise<WireDoc[]> {
    const docs = await this.collection(name).find().exec();
    return docs.map((doc) => plain(doc.toJSON() as Record<string, unknown>)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** An edit as the dashboard makes it: a fresh HLC stamp with every change. */
  async upsert(name: Name, doc: Record<string, unknown>): Promise<void> {
    await this.collection(name).upsert({ ...doc, hlc: this.clock.tick(), updatedAt: Date.now() });
  }

  async remove(name: Name, id: string): Promise<void> {
    const doc = await this.collection(name).findOne(id).exec();
    await doc?.incrementalPatch({ hlc: this.clock.tick() });
    await (await this.collection(name).findOne(id).exec())?.remove();
  }

  async awaitInSync(): Promise<void> {
    for (const state of this.replications.values()) await state.awaitInSync();
  }

  /** After "resync required": throw away this collection's replication state and local copy, start again. */
  async restartReplication(name: Name): Promise<void> {
    const old = this.replications.get(name);
    await old?.remove();
    await this.collection(name).find().remove();
    this.replicate(name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.streamAbort.abort();
    for (const state of this.replications.values()) await state.cancel();
    await this.streamLoop?.catch(() => undefined);
    await this.db?.close();
  }

  private replicate(name: Name): void {
    const stream = new Subject<unknown>();
    this.streams.set(name, stream);
    const pullOnly = name === 'commands';
    const state = replicateRxCollection<Record<string, unknown>, unknown>({
      collection: this.collection(name),
      replicationIdentifier: `tokkatot-v1-${name}`,
      live: true,
      retryTime: 100,
      waitForLeadership: false,
      autoStart: true,
      pull: {
        batchSize: this.batchSize,
        handler: async (checkpoint, batchSize) => {
          const cp = checkpoint as { seq: number; id: string } | undefined;
          const query = new URLSearchParams({ limit: String(batchSize), ...(cp ? { seq: String(cp.seq), id: cp.id } : {}) });
          return (await this.fetchJson('GET', `/v1/sync/${name}/pull?${query}`)) as never;
        },
        stream$: stream.asObservable() as never,
      },
      ...(pullOnly
        ? {}
        : {
            push: {
              batchSize: this.batchSize,
              handler: async (rows) => (await this.fetchJson('POST', `/v1/sync/${name}/push`, rows)) as never,
            },
          }),
    });
    state.error$.subscribe((error) => {
      this.errors.push(`${error.message} ${JSON.stringify((error as { parameters?: unknown }).parameters ?? {})}`);
    });
    this.replications.set(name, state);
  }

  private async fetchJson(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  // One SSE connection for all collections; after every (re)connect the server's first message is a RESYNC.
  private async runStream(): Promise<void> {
    while (!this.stopped) {
      try {
        const response = await fetch(`${this.baseUrl}/v1/sync/stream`, { headers: { authorization: `Bearer ${this.token}` }, signal: this.streamAbort.signal });
        if (!response.ok || !response.body) throw new Error(`stream ${response.status}`);
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let at = buffer.indexOf('\n\n');
          while (at >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            at = buffer.indexOf('\n\n');
            if (!block.startsWith('data: ')) continue;
            const message = JSON.parse(block.slice(6)) as { collection: string; resync?: true; documents?: unknown[]; checkpoint?: unknown };
            for (const [name, subject] of this.streams) {
              if (message.collection !== '*' && message.collection !== name) continue;
              subject.next(message.resync ? 'RESYNC' : { documents: message.documents, checkpoint: message.checkpoint });
            }
          }
        }
      } catch {
        // Dropped or refused: reconnect below.
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
