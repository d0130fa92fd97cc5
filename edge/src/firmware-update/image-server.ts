import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256HexSchema, TokkatotError, type ErrorCode } from '@tokkatot/shared';
import type { FirmwareImage } from './firmware-image.js';

/** What a node asked for and what it got (for the log, and for tests that check resumes). */
export interface ImageRequestRecord {
  method: string;
  path: string;
  /** The Range header as sent, or null. */
  range: string | null;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  remoteAddress: string | null;
}

export interface FirmwareImageServerEvents {
  request: [ImageRequestRecord];
}

export interface FirmwareImageServerOptions {
  /** The address to listen on: the edge's farm-LAN address (never a public one). */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The host the nodes use in their URLs, when host is a wildcard such as 0.0.0.0. */
  advertisedHost?: string;
}

const PATH = /^\/firmware\/([0-9a-f]{64})\.bin$/;

/** A single byte range of an image of `size` bytes; null when the header is absent or not one we honour (then the whole image is sent). */
export function parseRangeHeader(header: string | undefined, size: number): { first: number; last: number } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null; // malformed or multi-range: ignored, as RFC 9110 allows
  if (match[1] === '') {
    // A suffix: the last n bytes.
    const n = Number(match[2]);
    if (n === 0) return 'unsatisfiable';
    return { first: Math.max(0, size - n), last: size - 1 };
  }
  const first = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (!Number.isSafeInteger(first) || first >= size) return 'unsatisfiable';
  if (last < first) return null;
  return { first, last };
}

/**
 * Serves the firmware images the edge has checked to the farm's nodes, for Wi-Fi pull updates:
 * `GET /firmware/<sha256>.bin` with single byte ranges (a node resumes from its offset). Only
 * images handed to offer() exist; the URL never names a file, so nothing else on the Pi can be
 * reached through it. Plain HTTP on the LAN: the node checks the SHA-256 it got over its
 * authenticated device link, so a tampered byte is refused, not run.
 */
export class FirmwareImageServer extends EventEmitter<FirmwareImageServerEvents> {
  private readonly images = new Map<string, FirmwareImage>();
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly options: FirmwareImageServerOptions) {
    super();
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://host:port` the nodes reach; start() first. */
  get baseUrl(): string {
    if (!this.server) throw new Error('the firmware image server is not started');
    const host = this.options.advertisedHost ?? this.options.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** Makes a checked image available and returns its URL. */
  offer(image: FirmwareImage): string {
    this.images.set(image.manifest.sha256, image);
    return this.urlFor(image.manifest.sha256);
  }

  withdraw(sha256: string): void {
    this.images.delete(sha256);
  }

  urlFor(sha256: string): string {
    return `${this.baseUrl}/firmware/${Sha256HexSchema.parse(sha256)}.bin`;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const range = typeof request.headers.range === 'string' ? request.headers.range : null;
    const record = (status: number, bytes: number) =>
      this.emit('request', { method: request.method ?? '', path, range, status, bytes, remoteAddress: request.socket.remoteAddress ?? null });
    const fail = (status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}) => {
      const body = JSON.stringify(new TokkatotError(code, message).toBody());
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
      response.end(body);
      record(status, 0);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      fail(405, 'VALIDATION_FAILED', 'Only GET is served here.', { allow: 'GET, HEAD' });
      return;
    }
    const match = PATH.exec(path);
    const image = match ? this.images.get(match[1] as string) : undefined;
    if (!image) {
      fail(404, 'NOT_FOUND', 'No such firmware image on this edge.');
      return;
    }
    const size = image.bytes.length;
    const wanted = parseRangeHeader(request.headers.range, size);
    if (wanted === 'unsatisfiable') {
      fail(416, 'VALIDATION_FAILED', `The range is outside the image (${size} bytes).`, { 'content-range': `bytes */${size}` });
      return;
    }
    const { first, last } = wanted ?? { first: 0, last: size - 1 };
    const body = image.bytes.subarray(first, last + 1);
    const status = wanted ? 206 : 200;
    response.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      'accept-ranges': 'bytes',
      etag: `"${image.manifest.sha256}"`,
      ...(wanted ? { 'content-range': `bytes ${first}-${last}/${size}` } : {}),
    });
    if (request.method === 'HEAD') {
      response.end();
      record(status, 0);
      return;
    }
    response.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    record(status, body.length);
  }
}
