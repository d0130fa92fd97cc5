/**
 * Our edge sync client in its own process, driven over IPC by tests (conformance in cloud/test,
 * kill -9 fault tests). Each request `{ id, op, args }` gets `{ id, ok, value | error }`.
 * Executed commands are appended to `<dbPath>.executed` with fsync, so a test can count real
 * executions across kills.
 */
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encodeReadingBatch } from '@tokkatot/sync';
import { CommandLedger } from '../../../src/db/sync/command-ledger.js';
import { openSyncDatabase } from '../../../src/db/sync/open-sync-database.js';
import { SqliteForkStore } from '../../../src/db/sync/sqlite-fork-store.js';
import { SqliteOutbox } from '../../../src/db/sync/sqlite-outbox.js';
import { SyncStateStore } from '../../../src/db/sync/sync-state-store.js';
import { EdgeSyncClient } from '../../../src/sync/edge-sync-client.js';
import { PairingClient } from '../../../src/sync/pairing-client.js';

interface InitArgs {
  dbPath: string;
  baseUrl: string;
  farmId: string;
  token: string;
  replicaName: string;
  collections?: string[];
  batchSize?: number;
  uploadLimits?: { maxRecords: number; maxBytes: number };
  periodicSyncMs?: number;
  backoff?: { baseMs: number; maxMs: number };
}

let client: EdgeSyncClient | undefined;
let store: SqliteForkStore;
let outbox: SqliteOutbox;
let ledger: CommandLedger;
let token = '';
let pairing: PairingClient | undefined;

const ops: Record<string, (args: Record<string, unknown>) => unknown> = {
  init(args) {
    const a = args as unknown as InitArgs;
    const db = openSyncDatabase(a.dbPath);
    outbox = new SqliteOutbox(db);
    store = new SqliteForkStore(db, outbox, Date.now);
    ledger = new CommandLedger(db);
    token = a.token;
    const executedLog = `${a.dbPath}.executed`;
    client = new EdgeSyncClient({
      baseUrl: a.baseUrl,
      farmId: a.farmId,
      replicaName: a.replicaName,
      token: () => token,
      store,
      outbox,
      ledger,
      executeCommand: (command) => {
        const fd = openSync(executedLog, 'a');
        appendFileSync(fd, `${command.id}\n`);
        fsyncSync(fd);
        closeSync(fd);
        return { outcome: 'executed', detail: `${command.type} ${command.targetId ?? ''}` };
      },
      now: Date.now,
      monotonic: () => performance.now(),
      random: Math.random,
      ...(a.collections ? { collections: a.collections } : {}),
      ...(a.batchSize ? { batchSize: a.batchSize } : {}),
      ...(a.uploadLimits ? { uploadLimits: a.uploadLimits } : {}),
      periodicSyncMs: a.periodicSyncMs ?? 60_000,
      backoff: a.backoff ?? { baseMs: 50, maxMs: 500 },
      requestTimeoutMs: 5000,
    });
    return true;
  },
  start: () => client!.start(),
  stop: async () => client!.stop(),
  syncNow: async () => client!.syncNow(),
  trigger: () => client!.trigger(),
  status: () => client!.status(),
  setToken(args) {
    token = String(args.token);
    client!.credentialChanged();
    return true;
  },
  writeLocal: (args) => store.writeLocal(String(args.collection), args.doc as { id: string }),
  get: (args) => store.get(String(args.collection), String(args.id)) ?? null,
  list: (args) => store.list(String(args.collection)),
  ledger: () => ledger.list(),
  /** Appends `count` reading records (each one batch of `perRecord` readings) plus `events` events. */
  appendTelemetry(args) {
    const { count, perRecord, sensorId, startTs } = args as { count: number; perRecord: number; sensorId: string; startTs: number };
    for (let i = 0; i < count; i += 1) {
      const readings = Array.from({ length: perRecord }, (_, j) => ({ sensorId, ts: startTs + (i * perRecord + j) * 1000, status: 'ok' as const, value: 20 + ((i + j) % 50) / 10 }));
      outbox.append('readings', readings[0]!.ts, encodeReadingBatch(sensorId, readings));
    }
    return outbox.depth();
  },
  appendEvent: (args) => outbox.append(args.stream as 'critical' | 'events', Number(args.ts), args.event),
  depth: () => outbox.depth(),
  /** Pairing without a sync client yet: opens the database and asks for a claim code. */
  async pairStart(args) {
    const db = openSyncDatabase(String(args.dbPath));
    pairing = new PairingClient(String(args.baseUrl), new SyncStateStore(db));
    return pairing.claimCode(String(args.edgeName));
  },
  pairPoll: async () => pairing!.poll(),
  pairCredential: () => pairing!.credential() ?? null,
};

process.on('message', (raw) => {
  const message = raw as { id: number; op: string; args: Record<string, unknown> };
  const op = ops[message.op];
  Promise.resolve()
    .then(() => {
      if (!op) throw new Error(`unknown op ${message.op}`);
      return op(message.args ?? {});
    })
    .then(
      (value) => process.send?.({ id: message.id, ok: true, value: value ?? null }),
      (error: unknown) => process.send?.({ id: message.id, ok: false, error: (error as Error).message }),
    );
});

process.on('disconnect', () => {
  void client?.stop().finally(() => process.exit(0));
});
process.send?.({ id: 0, ok: true, value: 'ready' });
