import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FirmwareRelease } from '@tokkatot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FirmwareImageCache, ReleaseDownloader, ReleaseDownloadError, type DownloadUrlGrant } from '../../src/firmware-update/index.js';
import { eventually, makeTempDir } from '../devices/support.js';
import { startCutProxy, type CutProxy } from './support/cut-proxy.js';
import { makeReleaseKey, makeSimImage, signRelease } from './support/releases.js';
import { createTestBucket, type TestBucket } from './support/s3-bucket.js';

// The edge's download of a release image from the real S3-compatible store (s3rver), through a
// proxy that plays the farm's uplink: resume after a cut link, a kill -9 and an expired URL;
// refusal of untrusted releases (before any byte) and of corrupted or oversized images.
const SIZE = 160 * 1024;
const VERSION = '1.2.0-sim';
const CHILD = fileURLToPath(new URL('./support/download-child.ts', import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  bucket: TestBucket;
  proxy: CutProxy;
  cache: FirmwareImageCache;
  bytes: Uint8Array;
  release: FirmwareRelease;
  key: ReturnType<typeof makeReleaseKey>;
  grants: DownloadUrlGrant[];
  downloader(options?: { signedAgoMs?: (n: number) => number; keys?: string[] }): ReleaseDownloader;
}

async function setup(proxyOptions: Parameters<typeof startCutProxy>[0] = {}, stored?: (bytes: Uint8Array) => Uint8Array): Promise<Setup> {
  const temp = makeTempDir('tokkatot-fw-download-');
  cleanups.push(temp.remove);
  const bucket = await createTestBucket();
  cleanups.push(() => bucket.close());
  const proxy = await startCutProxy(proxyOptions);
  cleanups.push(() => proxy.close());
  const key = makeReleaseKey();
  const bytes = makeSimImage(VERSION, SIZE);
  const release = signRelease(bytes, VERSION, key);
  await bucket.put(release.objectKey, stored ? stored(bytes) : bytes);
  const cache = new FirmwareImageCache(join(temp.dir, 'firmware-cache'));
  const grants: DownloadUrlGrant[] = [];
  const clock = new ManualClock(Date.now());
  return {
    bucket,
    proxy,
    cache,
    bytes,
    release,
    key,
    grants,
    downloader: (options = {}) =>
      new ReleaseDownloader({
        cache,
        trustedKeys: options.keys ?? [key.publicKey],
        clock,
        retryDelayMs: 20,
        // What the cloud's download-url route does: presign a 15-minute GET of the release's object.
        requestUrl: async () => {
          const signedAgoMs = options.signedAgoMs?.(grants.length) ?? 0;
          const url = proxy.via(await bucket.presign(release.objectKey, 900, signedAgoMs));
          const grant = { url, expiresAt: clock.now() + 900_000 - signedAgoMs, release };
          grants.push(grant);
          return grant;
        },
      }),
  };
}

describe('ReleaseDownloader', () => {
  it('downloads and verifies a release, keeping it as <sha256>.bin; asked again, it answers from the cache', async () => {
    const s = await setup();
    const report = await s.downloader().download(s.release);
    expect(report).toMatchObject({ fromCache: false, resumedFrom: [], urlsRequested: 1 });
    expect(report.image.bytes).toEqual(s.bytes);
    expect(readdirSync(s.cache.dir)).toEqual([`${s.release.sha256}.bin`]);
    expect(s.proxy.requests.map((r) => [r.range, r.status])).toEqual([['bytes=0-', 206]]);

    const again = await s.downloader().download(s.release);
    expect(again).toMatchObject({ fromCache: true, urlsRequested: 0 });
    expect(s.proxy.requests).toHaveLength(1);
  });

  it('resumes with a Range from the bytes it kept after the link drops in the middle of the body', async () => {
    const s = await setup({ cutAfter: (n) => (n === 0 ? 50_000 : n === 1 ? 40_000 : null) });
    const report = await s.downloader().download(s.release);
    expect(report.image.bytes).toEqual(s.bytes);
    // Each try starts where the file on disk ends: nothing is fetched twice.
    const starts = s.proxy.requests.map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? '')?.[1]));
    expect(starts[0]).toBe(0);
    expect(starts.length).toBe(3);
    expect(starts[1]).toBe(s.proxy.requests[0]!.bytesSent);
    expect(starts[2]).toBe(starts[1]! + s.proxy.requests[1]!.bytesSent);
    expect(report.resumedFrom).toEqual(starts.slice(1));
    expect(s.proxy.requests.reduce((sum, r) => sum + r.bytesSent, 0)).toBe(SIZE);
    expect(report.urlsRequested).toBe(1);
  });

  it('resumes after the downloading process is killed with -9, from what it had written', async () => {
    // A trickle, so the kill lands in the middle of the body.
    const s = await setup({ bytesPerTick: 2048 });
    const url = s.proxy.via(await s.bucket.presign(s.release.objectKey, 900));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, FW_CACHE_DIR: s.cache.dir, FW_RELEASE: JSON.stringify(s.release), FW_URL: url, FW_KEY: s.key.publicKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    cleanups.push(() => void child.kill('SIGKILL'));
    await eventually(() => s.cache.partialBytes(s.release.sha256) >= 40 * 1024, 30_000, 'the child to write 40 KiB');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const kept = s.cache.partialBytes(s.release.sha256);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(SIZE);

    const report = await s.downloader().download(s.release);
    expect(report.resumedFrom).toEqual([kept]);
    expect(s.proxy.requests.at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(report.image.bytes).toEqual(s.bytes);
    expect(existsSync(s.cache.partPath(s.release.sha256))).toBe(false);
  }, 60_000);

  it('asks the cloud for a new URL when the one it holds has expired (the store answers 403)', async () => {
    const s = await setup();
    // The first URL was signed 20 minutes ago with a 15-minute life.
    const report = await s.downloader({ signedAgoMs: (n) => (n === 0 ? 20 * 60_000 : 0) }).download(s.release);
    expect(s.proxy.requests.map((r) => r.status)).toEqual([403, 206]);
    expect(report.urlsRequested).toBe(2);
    expect(report.image.bytes).toEqual(s.bytes);
  });

  it('refuses a release no trusted key signed, or whose signature does not match, before fetching a byte', async () => {
    const s = await setup();
    const stranger = makeReleaseKey();
    await expect(s.downloader({ keys: [stranger.publicKey] }).download(s.release)).rejects.toMatchObject({ reason: 'unknown_key', permanent: true });
    const tampered = { ...s.release, minHardwareRevision: s.release.minHardwareRevision + 1 };
    await expect(s.downloader().download(tampered)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(s.grants).toHaveLength(0);
    expect(s.proxy.requests).toHaveLength(0);
    expect(existsSync(s.cache.dir) ? readdirSync(s.cache.dir) : []).toEqual([]);
  });

  it('deletes and refuses an image whose bytes do not hash to the signed release', async () => {
    const s = await setup({}, (bytes) => {
      const rotten = bytes.slice();
      rotten[SIZE - 7] = (rotten[SIZE - 7] as number) ^ 0x01;
      return rotten;
    });
    const error = await s.downloader().download(s.release).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseDownloadError);
    expect(error).toMatchObject({ reason: 'hash_mismatch', permanent: true });
    expect(readdirSync(s.cache.dir)).toEqual([]);
  });

  it('stops reading and deletes the file when the server sends more bytes than the release has', async () => {
    const s = await setup({}, (bytes) => Buffer.concat([bytes, Buffer.alloc(4096, 0xaa)]));
    await expect(s.downloader().download(s.release)).rejects.toMatchObject({ reason: 'too_large' });
    expect(readdirSync(s.cache.dir)).toEqual([]);
    expect(statSync(s.cache.dir).isDirectory()).toBe(true);
  });
});
