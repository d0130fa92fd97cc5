import { closeSync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FirmwareReleaseSchema, verifyReleaseSignature, type FirmwareRelease } from '@tokkatot/shared';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { checkFirmwareImage, FirmwareImageError, type FirmwareImage } from './firmware-image.js';
import type { FirmwareImageCache } from './image-cache.js';

/** What the cloud answers to `POST /v1/sync/firmware/download-url`: a short-lived GET of the image. */
export const DownloadUrlGrantSchema = z.object({
  url: z.url(),
  expiresAt: z.number().int(),
  release: FirmwareReleaseSchema,
});
export type DownloadUrlGrant = z.infer<typeof DownloadUrlGrantSchema>;

/** Asks the cloud for a signed URL of a release's image (authenticated as this edge). */
export type DownloadUrlSource = (release: Pick<FirmwareRelease, 'version' | 'board'>) => Promise<DownloadUrlGrant>;

export type ReleaseRefusal = 'unknown_key' | 'bad_signature' | 'release_mismatch' | 'too_large' | 'size_mismatch' | 'hash_mismatch';

/**
 * A download that did not yield a trusted image. `permanent` refusals (signature, corrupted or
 * oversized bytes) are not worth retrying for the same release; others (link, cloud) are.
 */
export class ReleaseDownloadError extends Error {
  constructor(
    readonly reason: ReleaseRefusal | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseDownloadError';
  }

  get permanent(): boolean {
    return this.reason !== 'unavailable';
  }
}

export interface ReleaseDownloaderOptions {
  cache: FirmwareImageCache;
  /** Base64 Ed25519 public keys of the release keys this farm trusts. */
  trustedKeys: readonly string[];
  requestUrl: DownloadUrlSource;
  clock: Clock;
  /** Tries per download: a link drop, an expired URL or a cloud error each use one (default 8). */
  maxAttempts?: number;
  /** Pause between tries (default 2 s; tests use less). */
  retryDelayMs?: number;
  /** A body that delivers nothing for this long is abandoned and resumed (default 30 s). */
  stallTimeoutMs?: number;
  /** A URL this close to its expiry is not used; a new one is asked for (default 30 s). */
  expiryMarginMs?: number;
  /** Bytes written between two fdatasync calls (default 64 KiB). */
  syncEveryBytes?: number;
  fetch?: typeof fetch;
  log?: (message: string, detail?: unknown) => void;
}

/** How one download went: where it resumed and how many URLs it needed. */
export interface DownloadReport {
  image: FirmwareImage;
  fromCache: boolean;
  /** Offsets a ranged GET started from, other than 0 (resumes after a drop or a restart). */
  resumedFrom: number[];
  urlsRequested: number;
}

/** Checks a release's signature; throws the permanent refusal when no trusted key signed it. */
export function assertTrustedRelease(release: FirmwareRelease, trustedKeys: readonly string[]): void {
  const verdict = verifyReleaseSignature(release, trustedKeys);
  if (!verdict.ok) {
    const why = verdict.reason === 'unknown_key' ? `its key ${release.signature.keyId} is not one this farm trusts` : 'its signature does not match';
    throw new ReleaseDownloadError(verdict.reason, `release ${release.version} (${release.board}) refused: ${why}`);
  }
}

/**
 * Downloads a release's image into the cache with HTTP ranges: the partial file grows on disk
 * (synced as it grows), so a dropped link, an expired URL or a killed process costs only the
 * bytes in flight. The release is checked against the trusted keys before any byte is fetched,
 * and the finished file against its size and SHA-256; a refused file is deleted.
 */
export class ReleaseDownloader {
  constructor(private readonly options: ReleaseDownloaderOptions) {}

  async download(release: FirmwareRelease): Promise<DownloadReport> {
    const { cache } = this.options;
    assertTrustedRelease(release, this.options.trustedKeys);
    const manifest = { version: release.version, size: release.size, sha256: release.sha256 };
    cache.ensure();
    const cached = await cache.readImage(release.sha256);
    if (cached) {
      try {
        return { image: checkFirmwareImage(manifest, cached), fromCache: true, resumedFrom: [], urlsRequested: 0 };
      } catch {
        // Rotted on disk since it was checked: fetch it again.
        cache.discard(release.sha256);
      }
    }
    const report = { resumedFrom: [] as number[], urlsRequested: 0 };
    let grant: DownloadUrlGrant | null = null;
    let lastError = 'no attempt made';
    const attempts = this.options.maxAttempts ?? 8;
    for (let attempt = 0; attempt < attempts && cache.partialBytes(release.sha256) < release.size; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 2000));
      try {
        if (!grant || grant.expiresAt - (this.options.expiryMarginMs ?? 30_000) <= this.options.clock.now()) {
          grant = await this.grant(release);
          report.urlsRequested++;
        }
        const outcome = await this.fetchRange(grant.url, release, report.resumedFrom);
        if (outcome === 'url_refused') grant = null;
      } catch (error) {
        if (error instanceof ReleaseDownloadError && error.permanent) {
          cache.discard(release.sha256);
          throw error;
        }
        lastError = (error as Error).message;
        this.options.log?.('firmware download interrupted; resuming', { version: release.version, error: lastError, have: cache.partialBytes(release.sha256) });
      }
    }
    const have = cache.partialBytes(release.sha256);
    if (have < release.size) throw new ReleaseDownloadError('unavailable', `download of ${release.version} stopped at ${have} of ${release.size} bytes: ${lastError}`);
    const bytes = await this.readPart(release.sha256);
    let image: FirmwareImage;
    try {
      image = checkFirmwareImage(manifest, bytes);
    } catch (error) {
      cache.discard(release.sha256);
      if (error instanceof FirmwareImageError) throw new ReleaseDownloadError(error.reason, `downloaded image of ${release.version} refused: ${error.message}`);
      throw error;
    }
    cache.promote(release.sha256);
    return { image, fromCache: false, ...report };
  }

  private async grant(release: FirmwareRelease): Promise<DownloadUrlGrant> {
    let grant: DownloadUrlGrant;
    try {
      grant = DownloadUrlGrantSchema.parse(await this.options.requestUrl({ version: release.version, board: release.board }));
    } catch (error) {
      throw new ReleaseDownloadError('unavailable', `no download URL for ${release.version}: ${(error as Error).message}`);
    }
    // The URL must be for the very image the farm's target names (same bytes, same hash).
    const same = grant.release.version === release.version && grant.release.board === release.board && grant.release.sha256 === release.sha256 && grant.release.size === release.size;
    if (!same) throw new ReleaseDownloadError('release_mismatch', `the cloud offered ${grant.release.version} (${grant.release.sha256.slice(0, 12)}…) for ${release.version} (${release.sha256.slice(0, 12)}…)`);
    return grant;
  }

  /** One ranged GET appended to the partial file; 'url_refused' when the URL expired or was denied. */
  private async fetchRange(url: string, release: FirmwareRelease, resumedFrom: number[]): Promise<'done' | 'url_refused'> {
    const { cache } = this.options;
    const path = cache.partPath(release.sha256);
    let have = cache.partialBytes(release.sha256);
    if (have > release.size) {
      cache.discard(release.sha256);
      have = 0;
    }
    const controller = new AbortController();
    const stallMs = this.options.stallTimeoutMs ?? 30_000;
    let stall = setTimeout(() => controller.abort(new Error(`no bytes for ${stallMs} ms`)), stallMs);
    const fd = openSync(path, 'a');
    let unsynced = 0;
    try {
      const response = await (this.options.fetch ?? fetch)(url, { headers: { range: `bytes=${have}-` }, signal: controller.signal });
      if (response.status === 401 || response.status === 403 || response.status === 400) {
        await response.body?.cancel();
        return 'url_refused';
      }
      if (response.status === 416) {
        // Nothing after `have`: the server's object is no longer than what we hold.
        await response.body?.cancel();
        throw new ReleaseDownloadError('size_mismatch', `the server has no bytes after ${have} of ${release.size}`);
      }
      if (response.status !== 206 && response.status !== 200) {
        await response.body?.cancel();
        throw new ReleaseDownloadError('unavailable', `image GET answered ${response.status}`);
      }
      if (response.status === 200 && have > 0) {
        // The server ignored the range and sends everything: start the file over.
        ftruncateSync(fd, 0);
        have = 0;
      } else if (response.status === 206) {
        const start = Number(/^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN);
        if (start !== have) {
          await response.body?.cancel();
          throw new ReleaseDownloadError('unavailable', `asked from ${have}, the server sent from ${start}`);
        }
      }
      if (have > 0) resumedFrom.push(have);
      if (!response.body) throw new ReleaseDownloadError('unavailable', 'image GET had no body');
      for await (const chunk of response.body) {
        clearTimeout(stall);
        stall = setTimeout(() => controller.abort(new Error(`no bytes for ${stallMs} ms`)), stallMs);
        const bytes = chunk as Uint8Array;
        if (have + bytes.length > release.size) {
          controller.abort();
          throw new ReleaseDownloadError('too_large', `the server sent more than the release's ${release.size} bytes`);
        }
        writeSync(fd, bytes);
        have += bytes.length;
        unsynced += bytes.length;
        if (unsynced >= (this.options.syncEveryBytes ?? 65_536)) {
          fdatasyncSync(fd);
          unsynced = 0;
        }
      }
      return 'done';
    } finally {
      clearTimeout(stall);
      // What arrived before a drop stays on disk for the next range.
      fdatasyncSync(fd);
      closeSync(fd);
    }
  }

  private async readPart(sha256: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.options.cache.partPath(sha256)));
  }
}
