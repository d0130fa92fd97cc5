import { ByteRateLimiter, planUploadBatch, TransportError, type BatchLimits } from '@tokkatot/sync';
import type { SqliteOutbox } from '../db/sync/sqlite-outbox.js';
import type { HttpTransport } from './http-transport.js';

export interface OutboxUploaderOptions {
  outbox: SqliteOutbox;
  transport: Pick<HttpTransport, 'ingest'>;
  limits: BatchLimits;
  /** Upload cap for metered links (compressed bytes per second); undefined = no cap. */
  bytesPerSecond?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Counts of one drain, for status and benchmarks. */
export interface DrainResult {
  batches: number;
  records: number;
  bytes: number;
}

/**
 * Uploads the outbox by priority in compressed batches, under the rate cap, deleting what the
 * cloud acknowledged. A record leaves the outbox only after the cloud's contiguous mark covers it.
 */
export class OutboxUploader {
  private limiter: ByteRateLimiter | undefined;

  constructor(private readonly options: OutboxUploaderOptions) {}

  async drain(shouldStop: () => boolean = () => false): Promise<DrainResult> {
    const { outbox, transport, limits } = this.options;
    const result: DrainResult = { batches: 0, records: 0, bytes: 0 };
    while (!shouldStop()) {
      const batch = planUploadBatch(outbox.pending(limits.maxRecords), limits);
      if (batch.length === 0) break;
      const body = { epoch: outbox.epoch(), records: batch.map(({ stream, seq, ts, payload }) => ({ stream, seq, ts, payload: payload as never })) };
      const { ack, bytes } = await transport.ingest(body);
      const removed = outbox.acknowledge(ack.ackedThrough);
      result.batches += 1;
      result.records += removed;
      result.bytes += bytes;
      await this.throttle(bytes);
      if (removed === 0) throw new TransportError('the cloud acknowledged nothing of a batch; holding the queue', 409);
    }
    return result;
  }

  // Paid after the send: the next batch waits until the link budget has room again.
  private async throttle(bytes: number): Promise<void> {
    const { bytesPerSecond } = this.options;
    if (!bytesPerSecond) return;
    this.limiter ??= new ByteRateLimiter(bytesPerSecond, bytesPerSecond, this.options.now);
    const wait = this.limiter.take(bytes);
    if (wait > 0) await this.options.sleep(wait);
  }
}
