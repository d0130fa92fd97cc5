import { ReadingSchema, TokkatotError, describeIssues, type Reading } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { RawPoint, ReadingsRepository, Resolution, RollupDelta, RollupPoint } from '../db/index.js';
import type { EdgeBus, LatestReading } from '../events/edge-bus.js';
import { Bucketer, RESOLUTION_MS } from './buckets.js';

export interface TelemetryOptions {
  flushIntervalMs: number;
  maxBatch: number;
  timezone: string;
  /** Readings waiting to be written beyond which ingest refuses more (back-pressure, bounded memory). */
  maxPending?: number;
}

export type HistoryResolution = 'raw' | Resolution;

export interface History {
  sensorId: string;
  resolution: HistoryResolution;
  from: number;
  to: number;
  raw?: RawPoint[];
  rollups?: RollupPoint[];
}

/** Raw up to 2 h, minutes up to 2 days, hours up to 60 days, days beyond: a chart gets ≤ ~1500 points. */
export function chooseResolution(rangeMs: number): HistoryResolution {
  if (rangeMs <= 2 * 3_600_000) return 'raw';
  if (rangeMs <= 2 * 86_400_000) return 'minute';
  if (rangeMs <= 60 * 86_400_000) return 'hour';
  return 'day';
}

function emptyDelta(sensorId: string, resolution: Resolution, bucketStart: number): RollupDelta {
  return { sensorId, resolution, bucketStart, min: null, max: null, sum: 0, count: 0, failedCount: 0 };
}

/**
 * Batched telemetry ingest: readings wait in memory for at most flushIntervalMs (or until
 * maxBatch are waiting), then one transaction writes them raw and merges their minute, hour and
 * day rollups. ingest() resolves once its readings are committed, which is the acknowledgement.
 */
export class TelemetryService {
  private pending: Reading[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly latestBySensor = new Map<string, LatestReading>();
  private readonly bucketer: Bucketer;
  private stopped = false;
  ingestedTotal = 0;
  flushes = 0;

  constructor(
    private readonly deps: { readings: ReadingsRepository; bus: EdgeBus; clock: Clock; options: TelemetryOptions },
  ) {
    this.bucketer = new Bucketer(deps.options.timezone);
  }

  /** Queues readings; the promise resolves when they are on disk. Invalid readings are refused whole. */
  ingest(readings: readonly unknown[]): Promise<void> {
    if (this.stopped) return Promise.reject(new TokkatotError('NOT_READY', 'Telemetry is shutting down.'));
    const valid: Reading[] = [];
    for (const [index, reading] of readings.entries()) {
      const parsed = ReadingSchema.safeParse(reading);
      if (!parsed.success) {
        const problems = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
        return Promise.reject(new TokkatotError('VALIDATION_FAILED', `reading ${index} is not valid: ${problems}`));
      }
      valid.push(parsed.data);
    }
    const maxPending = this.deps.options.maxPending ?? this.deps.options.maxBatch * 20;
    if (this.pending.length + valid.length > maxPending) {
      return Promise.reject(new TokkatotError('RATE_LIMITED', 'Telemetry is arriving faster than it can be stored; retry shortly.'));
    }
    for (const reading of valid) this.pending.push(reading);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.pending.length >= this.deps.options.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.deps.options.flushIntervalMs);
    return done;
  }

  /** Writes everything waiting now, in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && this.waiters.length === 0) return;
    const batch = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      this.deps.readings.writeBatch(batch, this.rollupDeltas(batch));
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    this.ingestedTotal += batch.length;
    this.flushes += 1;
    const latest = this.updateLatest(batch);
    for (const waiter of waiters) waiter.resolve();
    if (latest.length > 0) this.deps.bus.emit('readingsIngested', latest);
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Last reading of a sensor (memory first, then the store). */
  latest(sensorId: string): LatestReading | undefined {
    const cached = this.latestBySensor.get(sensorId);
    if (cached) return cached;
    const stored = this.deps.readings.latest(sensorId);
    return stored ? { sensorId, ...stored } : undefined;
  }

  /** History of one sensor over [from, to); resolution "auto" is chosen by the range. */
  history(sensorId: string, from: number, to: number, resolution: HistoryResolution | 'auto', limit = 5000): History {
    const chosen = resolution === 'auto' ? chooseResolution(to - from) : resolution;
    if (chosen === 'raw') return { sensorId, resolution: chosen, from, to, raw: this.deps.readings.raw(sensorId, from, to, limit) };
    const start = this.bucketer.start(chosen, from);
    return { sensorId, resolution: chosen, from: start, to, rollups: this.deps.readings.rollups(sensorId, chosen, start, to, limit).filter((point) => point.count + point.failedCount > 0) };
  }

  /** Flushes what is waiting and refuses further ingest. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }

  /** Aggregates a batch per sensor and minute, then rolls the minutes up into hours and days. */
  private rollupDeltas(batch: readonly Reading[]): RollupDelta[] {
    const minutes = new Map<string, RollupDelta>();
    for (const reading of batch) {
      const bucketStart = this.bucketer.start('minute', reading.ts);
      const key = `${reading.sensorId}\u0000${bucketStart}`;
      let delta = minutes.get(key);
      if (!delta) minutes.set(key, (delta = emptyDelta(reading.sensorId, 'minute', bucketStart)));
      if (reading.status === 'ok') {
        delta.min = delta.min === null || reading.value < delta.min ? reading.value : delta.min;
        delta.max = delta.max === null || reading.value > delta.max ? reading.value : delta.max;
        delta.sum += reading.value;
        delta.count += 1;
      } else {
        delta.failedCount += 1;
      }
    }
    // Days from minutes, not hours: in half-hour zones an absolute hour can straddle local midnight.
    const hours = this.rollUp(minutes.values(), 'hour');
    const days = this.rollUp(minutes.values(), 'day');
    return [...minutes.values(), ...hours, ...days];
  }

  private rollUp(deltas: Iterable<RollupDelta>, resolution: Resolution): RollupDelta[] {
    const merged = new Map<string, RollupDelta>();
    for (const delta of deltas) {
      const bucketStart = this.bucketer.start(resolution, delta.bucketStart);
      const key = `${delta.sensorId}\u0000${bucketStart}`;
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { ...delta, resolution, bucketStart });
        continue;
      }
      into.min = into.min === null ? delta.min : delta.min === null ? into.min : Math.min(into.min, delta.min);
      into.max = into.max === null ? delta.max : delta.max === null ? into.max : Math.max(into.max, delta.max);
      into.sum += delta.sum;
      into.count += delta.count;
      into.failedCount += delta.failedCount;
    }
    return [...merged.values()];
  }

  private updateLatest(batch: readonly Reading[]): LatestReading[] {
    const changed = new Map<string, LatestReading>();
    for (const reading of batch) {
      const current = changed.get(reading.sensorId) ?? this.latestBySensor.get(reading.sensorId);
      if (current && current.ts > reading.ts) continue;
      changed.set(reading.sensorId, {
        sensorId: reading.sensorId,
        ts: reading.ts,
        value: reading.status === 'ok' ? reading.value : null,
        failure: reading.status === 'failed' ? reading.failure : null,
      });
    }
    for (const [id, reading] of changed) this.latestBySensor.set(id, reading);
    return [...changed.values()];
  }
}

export { RESOLUTION_MS };
