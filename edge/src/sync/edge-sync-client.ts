import { classifyFailure, computeBackoff, createMergePolicy, Replicator, StreamMessageSchema, SYNC_COLLECTIONS, TransportError, type BatchLimits, type StreamMessage } from '@tokkatot/sync';
import { newId } from '@tokkatot/shared';
import type { CommandLedger } from '../db/sync/command-ledger.js';
import type { SqliteForkStore } from '../db/sync/sqlite-fork-store.js';
import type { SqliteOutbox } from '../db/sync/sqlite-outbox.js';
import { CommandRunner, type ExecuteCommand } from './command-runner.js';
import { HttpTransport } from './http-transport.js';
import { OutboxUploader } from './outbox-uploader.js';
import { ServerTimeTracker } from './server-time.js';
import { readSseData } from './sse-reader.js';

/** What the LAN UI and the CLI show about sync. */
export interface EdgeSyncStatus {
  state: 'idle' | 'syncing' | 'backing_off' | 'auth_failed' | 'stopped';
  queueDepth: number;
  queueBytes: number;
  oldestRecordTs: number | null;
  unpushedDocs: number;
  lastSuccessAt: number | null;
  currentError: string | null;
  nextAttemptAt: number | null;
  streamConnected: boolean;
}

export interface EdgeSyncClientOptions {
  baseUrl: string;
  farmId: string;
  /** HLC node name of this edge, "edge-…": its stamps own the safety-critical fields. */
  replicaName: string;
  token: () => string | undefined;
  store: SqliteForkStore;
  outbox: SqliteOutbox;
  ledger: CommandLedger;
  executeCommand: ExecuteCommand;
  now: () => number;
  monotonic: () => number;
  random: () => number;
  collections?: readonly string[];
  batchSize?: number;
  uploadLimits?: BatchLimits;
  uploadBytesPerSecond?: number;
  /** A full pass runs at least this often even without triggers. */
  periodicSyncMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  maxFixAgeMs?: number;
  requestTimeoutMs?: number;
  /** Disk budget for raw readings waiting in the outbox; beyond it the oldest become aggregates and a gap event. */
  readingsBudgetBytes?: number;
}

/**
 * The edge's sync client: replicates configuration, decides pulled commands, uploads the outbox,
 * listens to the live stream, and backs off with jitter (honouring Retry-After) when the link or
 * the cloud fails. An authentication failure stops retries until a new credential is set.
 */
export class EdgeSyncClient {
  private readonly serverTime: ServerTimeTracker;
  private readonly transport: HttpTransport;
  private readonly replicator: Replicator;
  private readonly uploader: OutboxUploader;
  private readonly commands: CommandRunner;
  private stopped = true;
  private running: Promise<void> | undefined;
  private again = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;
  private streamAbort: AbortController | undefined;
  private streamLoop: Promise<void> | undefined;
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private statusState: Pick<EdgeSyncStatus, 'state' | 'lastSuccessAt' | 'currentError' | 'nextAttemptAt' | 'streamConnected'> = {
    state: 'stopped',
    lastSuccessAt: null,
    currentError: null,
    nextAttemptAt: null,
    streamConnected: false,
  };

  constructor(private readonly options: EdgeSyncClientOptions) {
    const collections = options.collections ?? Object.keys(SYNC_COLLECTIONS);
    this.serverTime = new ServerTimeTracker(options.monotonic);
    this.transport = new HttpTransport({ baseUrl: options.baseUrl, token: options.token, serverTime: this.serverTime, now: options.now, timeoutMs: options.requestTimeoutMs ?? 30_000 });
    this.replicator = new Replicator({
      store: options.store,
      transport: this.transport,
      collections,
      pullOnly: new Set(collections.filter((name) => SYNC_COLLECTIONS[name]?.pullOnly)),
      policy: createMergePolicy(),
      farmId: options.farmId,
      replicaName: options.replicaName,
      now: options.now,
      batchSize: options.batchSize ?? 100,
    });
    this.uploader = new OutboxUploader({
      outbox: options.outbox,
      transport: this.transport,
      limits: options.uploadLimits ?? { maxRecords: 2000, maxBytes: 1_000_000 },
      ...(options.uploadBytesPerSecond ? { bytesPerSecond: options.uploadBytesPerSecond } : {}),
      now: options.now,
      sleep: (ms) => this.sleep(ms),
    });
    this.commands = new CommandRunner({
      store: options.store,
      ledger: options.ledger,
      outbox: options.outbox,
      serverTime: this.serverTime,
      executeCommand: options.executeCommand,
      farmId: options.farmId,
      now: options.now,
      monotonic: options.monotonic,
      maxFixAgeMs: options.maxFixAgeMs ?? 10 * 60_000,
    });
  }

  /** Starts the live stream, a first pass and the periodic pass. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.statusState.state = 'idle';
    this.streamAbort = new AbortController();
    this.streamLoop = this.runStream(this.streamAbort.signal);
    this.periodicTimer = setInterval(() => this.trigger(), this.options.periodicSyncMs ?? 60_000);
    this.trigger();
  }

  /** Stops every loop and timer and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.periodicTimer);
    clearTimeout(this.retryTimer);
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
    this.streamAbort?.abort();
    await Promise.allSettled([this.running, this.streamLoop]);
    this.statusState.state = 'stopped';
    this.statusState.streamConnected = false;
  }

  /** Asks for a pass soon: after a local edit, a new outbox record, or a new credential. */
  trigger(): void {
    if (this.stopped) return;
    if (this.statusState.state === 'auth_failed') return;
    // While backing off, the retry timer runs the next pass: a trigger must not cut the wait short.
    if (this.running || this.statusState.state === 'backing_off') {
      this.again = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again && this.statusState.state !== 'backing_off') {
        this.again = false;
        this.trigger();
      }
    });
  }

  /** Call after storing a new credential: clears an authentication failure and syncs. */
  credentialChanged(): void {
    if (this.statusState.state === 'auth_failed') this.statusState.state = 'idle';
    this.attempt = 0;
    this.trigger();
  }

  /** Runs one full pass now and rejects on failure (CLI "sync now", tests). */
  async syncNow(): Promise<void> {
    await this.replicator.syncAll();
    this.commands.runPending();
    await this.uploader.drain();
    this.statusState.lastSuccessAt = this.options.now();
    this.statusState.currentError = null;
  }

  status(): EdgeSyncStatus {
    const depth = this.options.outbox.depth();
    return {
      ...this.statusState,
      queueDepth: depth.records,
      queueBytes: depth.bytes,
      oldestRecordTs: depth.oldestTs,
      unpushedDocs: this.options.store.countDirty(),
    };
  }

  private async pass(): Promise<void> {
    this.statusState.state = 'syncing';
    try {
      this.enforceBudget();
      await this.replicator.syncAll();
      this.commands.runPending();
      await this.uploader.drain(() => this.stopped);
      this.attempt = 0;
      this.statusState = { ...this.statusState, state: 'idle', lastSuccessAt: this.options.now(), currentError: null, nextAttemptAt: null };
    } catch (error) {
      this.onFailure(error);
    }
  }

  private enforceBudget(): void {
    const budget = this.options.readingsBudgetBytes;
    if (budget === undefined) return;
    const { farmId, now } = this.options;
    this.options.outbox.enforceReadingsBudget(budget, (marker) => {
      const ts = now();
      const { sensorId, from, to, count } = marker.dropped;
      return {
        id: newId(ts),
        farmId,
        ts,
        coopId: null,
        actorId: null,
        type: 'telemetry_gap',
        summary: `${count} raw readings of ${sensorId} dropped for the disk budget; minute aggregates kept`,
        detail: { sensorId, from, to, count },
      };
    });
  }

  private onFailure(error: unknown): void {
    const status = error instanceof TransportError ? error.status : undefined;
    const kind = classifyFailure(status);
    this.statusState.currentError = (error as Error).message;
    if (kind === 'auth') {
      // Retrying a refused credential only hammers the cloud: wait for re-pairing or a new token.
      this.statusState.state = 'auth_failed';
      this.statusState.nextAttemptAt = null;
      return;
    }
    const backoff = this.options.backoff ?? { baseMs: 1000, maxMs: 300_000 };
    const retryAfter = error instanceof TransportError ? error.retryAfterMs : undefined;
    // Retry-After is a floor, not a replacement: "retry after 0" must not become a tight loop.
    const delay = kind === 'fatal' ? backoff.maxMs : Math.max(retryAfter ?? 0, computeBackoff(this.attempt, { ...backoff, random: this.options.random }));
    this.attempt += 1;
    this.statusState.state = 'backing_off';
    this.statusState.nextAttemptAt = this.options.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.statusState.state = 'idle';
      this.trigger();
    }, delay);
  }

  private async runStream(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let retryAfter: number | undefined;
      try {
        const response = await this.transport.openStream(signal);
        if (!response.body) throw new Error('stream has no body');
        this.statusState.streamConnected = true;
        failures = 0;
        for await (const data of readSseData(response.body)) {
          const parsed = StreamMessageSchema.safeParse(JSON.parse(data));
          if (!parsed.success) continue;
          const message = parsed.data;
          // A RESYNC goes through a full pass so failures get the same backoff as any other.
          if ('resync' in message) this.trigger();
          else {
            await this.replicator.handleStreamMessage(message as StreamMessage);
            if (message.collection === 'commands') this.commands.runPending();
          }
        }
      } catch (error) {
        if (this.stopped) break;
        const status = error instanceof TransportError ? error.status : undefined;
        retryAfter = error instanceof TransportError ? error.retryAfterMs : undefined;
        if (classifyFailure(status) === 'auth') {
          this.statusState.state = 'auth_failed';
          this.statusState.currentError = (error as Error).message;
        }
      }
      this.statusState.streamConnected = false;
      if (this.stopped) break;
      failures += 1;
      const backoff = this.options.backoff ?? { baseMs: 1000, maxMs: 300_000 };
      await this.sleep(Math.max(retryAfter ?? 0, computeBackoff(failures, { ...backoff, random: this.options.random })));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }
}
