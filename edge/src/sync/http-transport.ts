import { gzipSync } from 'node:zlib';
import { parseRetryAfter, TransportError, type IngestAck, type IngestBatch, type MasterTransport, type PushRow, type SyncCheckpoint, type WireDoc } from '@tokkatot/sync';
import type { ServerTimeTracker } from './server-time.js';

export interface HttpTransportOptions {
  baseUrl: string;
  /** Returns the current bearer token (the paired credential). */
  token: () => string | undefined;
  serverTime: ServerTimeTracker;
  timeoutMs?: number;
  now?: () => number;
}

/** Media type of an outbox batch (matches the cloud's ingest route). */
export const INGEST_CONTENT_TYPE = 'application/vnd.tokkatot.outbox+json';

/** The cloud's sync endpoints over HTTP (fetch). Every failure becomes a classified TransportError. */
export class HttpTransport implements MasterTransport {
  constructor(private readonly options: HttpTransportOptions) {}

  async pull(collection: string, checkpoint: SyncCheckpoint | undefined, batchSize: number) {
    const query = new URLSearchParams({ limit: String(batchSize) });
    if (checkpoint) {
      query.set('seq', String(checkpoint.seq));
      query.set('id', checkpoint.id);
    }
    return (await this.request('GET', `/v1/sync/${encodeURIComponent(collection)}/pull?${query}`)) as { documents: WireDoc[]; checkpoint: SyncCheckpoint | null };
  }

  async push(collection: string, rows: readonly PushRow[]): Promise<WireDoc[]> {
    const body = await this.request('POST', `/v1/sync/${encodeURIComponent(collection)}/push`, JSON.stringify(rows), { 'content-type': 'application/json' });
    if (!Array.isArray(body)) throw new TransportError('push answer is not an array', 502);
    return body as WireDoc[];
  }

  /** Uploads one outbox batch, gzip-compressed; returns the bytes sent and the acknowledgement. */
  async ingest(batch: IngestBatch): Promise<{ ack: IngestAck; bytes: number }> {
    const compressed = gzipSync(JSON.stringify(batch));
    const ack = (await this.request('POST', '/v1/ingest', compressed, { 'content-type': INGEST_CONTENT_TYPE, 'content-encoding': 'gzip' })) as IngestAck;
    return { ack, bytes: compressed.length };
  }

  /** Opens the live stream; the caller reads the body. */
  async openStream(signal: AbortSignal): Promise<Response> {
    const response = await this.fetch('GET', '/v1/sync/stream', undefined, { accept: 'text/event-stream' }, signal);
    return response;
  }

  private async request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<unknown> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    const response = await this.fetch(method, path, body, headers, signal);
    try {
      return await response.json();
    } catch (error) {
      throw new TransportError(`unreadable answer from ${path}: ${(error as Error).message}`, undefined);
    }
  }

  private async fetch(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const token = this.options.token();
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body } : {}),
        signal,
      });
    } catch (error) {
      throw new TransportError(`${method} ${path} failed: ${(error as Error).message}`, undefined);
    }
    this.options.serverTime.observe(response.headers.get('x-server-now'));
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), (this.options.now ?? Date.now)());
      throw new TransportError(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`, response.status, retryAfter);
    }
    return response;
  }
}
