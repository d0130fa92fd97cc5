import { createHash, sign } from 'node:crypto';
import { FirmwareVersionsIndexSchema, releaseSigningPayload, verifyReleaseSignature, type FirmwareRelease } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSignedRelease, type ManifestOptions } from '../../../scripts/firmware-release/make-manifest.js';
import { promoteRelease } from '../../../scripts/firmware-release/promote-release.js';
import {
  addReleaseToIndex,
  checkReleaseForPublishing,
  publishRelease,
  releaseManifestKey,
  uploadReleaseImage,
  uploadReleaseManifest,
} from '../../../scripts/firmware-release/publish-release.js';
import { ReleaseBucket, type BucketConfig } from '../../../scripts/firmware-release/release-bucket.js';
import { generateReleaseKey, type ReleaseKey } from '../../../scripts/firmware-release/release-key.js';
import { VERSIONS_INDEX_KEY } from '../../../scripts/firmware-release/versions-index.js';
import { esp32Image, simulatorImage } from './support/images.js';
import { rejection } from './support/refusal.js';
import { requireService } from '../../support/services.js';
import { startConditionalProxy } from './support/conditional-proxy.js';
import { createTestBucket } from './support/test-bucket.js';

const options = (version: string, change: Partial<ManifestOptions> = {}): ManifestOptions => ({ version, board: 'tokkatot-node-esp32', channel: 'beta', minHardwareRevision: 1, notes: `Release ${version}.`, ...change });
let bucket: ReleaseBucket;
let config: BucketConfig;
let key: ReleaseKey;
let clock: number;
const now = () => ++clock;

beforeEach(async () => {
  ({ bucket, config } = await createTestBucket());
  key = generateReleaseKey();
  clock = Date.UTC(2026, 10, 27);
});
afterEach(() => bucket.destroy());

function signed(version: string, image = esp32Image({ version, size: 64 * 1024 }), change: Partial<ManifestOptions> = {}) {
  return { image, release: makeSignedRelease(image, options(version, change), key, clock).release };
}

async function readIndex() {
  const stored = await bucket.get(VERSIONS_INDEX_KEY);
  return stored ? FirmwareVersionsIndexSchema.parse(JSON.parse(stored.body.toString('utf8'))) : null;
}

describe('publishRelease', () => {
  it('stores the image, its manifest and a verifiable versions.json entry', async () => {
    const { image, release } = signed('1.2.0');
    expect(await publishRelease(bucket, release, image, [key.publicKey], now)).toEqual({ outcome: 'published', release });

    const stored = await bucket.get('firmware/v1.2.0/tokkatot-node-esp32.bin');
    expect(stored?.body.equals(image)).toBe(true);
    const manifest = await bucket.get(releaseManifestKey(release));
    expect(JSON.parse(manifest!.body.toString('utf8'))).toEqual(release);
    const index = await readIndex();
    expect(index?.releases).toEqual([release]);
    expect(index?.updatedAt).toBeGreaterThan(release.publishedAt);
    expect(verifyReleaseSignature(index!.releases[0]!, [key.publicKey])).toEqual({ ok: true, keyId: key.keyId });
  });

  it('keeps the index sorted by version whatever the publishing order, pre-releases before their release', async () => {
    for (const version of ['1.10.0', '1.2.0', '1.10.0-rc.1', '0.9.5']) {
      const { image, release } = signed(version);
      await publishRelease(bucket, release, image, [key.publicKey], now);
    }
    expect((await readIndex())?.releases.map((r) => r.version)).toEqual(['0.9.5', '1.2.0', '1.10.0-rc.1', '1.10.0']);
  });

  it('refuses an image whose embedded version differs from the signed manifest, uploading nothing', async () => {
    // Signed by hand (sign-release.ts would have refused): the image says 1.2.0, the manifest 1.3.0.
    const image = esp32Image({ version: '1.2.0' });
    const unsigned = { ...makeSignedRelease(esp32Image({ version: '1.3.0' }), options('1.3.0'), key, clock).release, size: image.length, sha256: createHash('sha256').update(image).digest('hex') };
    const release = { ...unsigned, signature: { ...unsigned.signature, value: sign(null, releaseSigningPayload(unsigned), key.privateKey).toString('base64') } };
    expect(verifyReleaseSignature(release, [key.publicKey]).ok).toBe(true);
    const error = await rejection(() => publishRelease(bucket, release, image, [key.publicKey], now));
    expect(error).toMatchObject({ code: 'version_mismatch', exitCode: 3, message: 'the image carries version 1.2.0 but the manifest says 1.3.0' });
    expect(await bucket.head(release.objectKey)).toBeNull();
    expect(await readIndex()).toBeNull();
  });

  it('refuses a manifest changed after signing, and an image that is not the signed one', async () => {
    const { image, release } = signed('1.2.0');
    for (const tampered of [{ ...release, minHardwareRevision: 0 }, { ...release, version: '1.2.1', objectKey: 'firmware/v1.2.1/tokkatot-node-esp32.bin' }]) {
      const error = await rejection(() => publishRelease(bucket, tampered, image, [key.publicKey], now));
      expect(error).toMatchObject({ code: 'untrusted_signature', exitCode: 4 });
      expect(error.message).toMatch(/signature that does not match its contents/);
    }
    const other = esp32Image({ version: '1.2.0', size: image.length });
    const error = await rejection(() => publishRelease(bucket, release, other, [key.publicKey], now));
    expect(error).toMatchObject({ code: 'invalid_manifest' });
    expect(error.message).toMatch(/is not the one the manifest signs/);
    expect((await rejection(() => publishRelease(bucket, { ...release, objectKey: 'firmware/v1.2.0/other.bin' }, image, [key.publicKey], now))).message).toMatch(/lives at firmware\/v1.2.0\/tokkatot-node-esp32.bin/);
    expect((await rejection(() => publishRelease(bucket, { ...release, size: '1' }, image, [key.publicKey], now))).message).toMatch(/malformed at size/);
    expect(await bucket.head(release.objectKey)).toBeNull();
  });

  it('refuses a release signed by a key that is not trusted, naming the key', async () => {
    const { image, release } = signed('1.2.0');
    const stranger = generateReleaseKey();
    const error = await rejection(() => publishRelease(bucket, release, image, [stranger.publicKey], now));
    expect(error.code).toBe('untrusted_signature');
    expect(error.message).toBe(`the manifest is signed by key ${key.keyId}, which is not among the 1 trusted key(s)`);
    expect(await bucket.head(release.objectKey)).toBeNull();
    // Rotation: the farms' list holds the old and the new key, and either key's release passes.
    expect((await publishRelease(bucket, release, image, [stranger.publicKey, key.publicKey], now)).outcome).toBe('published');
  });

  it('treats releases as immutable: other bytes under a published version are refused, the identical release is a no-op', async () => {
    const first = signed('1.2.0');
    await publishRelease(bucket, first.release, first.image, [key.publicKey], now);
    const indexBefore = await bucket.get(VERSIONS_INDEX_KEY);

    const rebuilt = signed('1.2.0');
    const error = await rejection(() => publishRelease(bucket, rebuilt.release, rebuilt.image, [key.publicKey], now));
    expect(error).toMatchObject({ code: 'immutable_release', exitCode: 5 });
    expect(error.message).toMatch(/tokkatot-node-esp32 1.2.0 is already published with other contents .*publish a new version/);

    expect(await publishRelease(bucket, first.release, first.image, [key.publicKey], now)).toEqual({ outcome: 'already_published', release: first.release });
    // Re-signed later (new publishedAt and signature) but the same image: the stored manifest wins.
    clock += 60_000;
    const resigned = makeSignedRelease(first.image, options('1.2.0'), key, clock).release;
    expect(await publishRelease(bucket, resigned, first.image, [key.publicKey], now)).toEqual({ outcome: 'already_published', release: first.release });

    const indexAfter = await bucket.get(VERSIONS_INDEX_KEY);
    expect(indexAfter?.body.equals(indexBefore!.body)).toBe(true);
    expect((await bucket.get(first.release.objectKey))?.body.equals(first.image)).toBe(true);
  });

  it('refuses other bytes already stored under the object key even before the index lists them', async () => {
    const first = signed('1.2.0');
    await uploadReleaseImage(bucket, first.release, first.image);
    const rebuilt = signed('1.2.0');
    expect((await rejection(() => publishRelease(bucket, rebuilt.release, rebuilt.image, [key.publicKey], now))).message).toMatch(/firmware\/v1.2.0\/tokkatot-node-esp32.bin already holds other bytes/);
    expect((await bucket.get(first.release.objectKey))?.body.equals(first.image)).toBe(true);
    expect(await readIndex()).toBeNull();
  });

  it('completes a release that crashed between the image upload and the index write when run again', async () => {
    const { image, release } = signed('1.2.0');
    checkReleaseForPublishing(release, image, [key.publicKey]);
    expect(await uploadReleaseImage(bucket, release, image)).toBe('uploaded');
    // Crash here: the image is stored, no manifest, no index entry. Farms see nothing yet.
    expect(await readIndex()).toBeNull();
    expect(await publishRelease(bucket, release, image, [key.publicKey], now)).toEqual({ outcome: 'published', release });
    expect((await readIndex())?.releases).toEqual([release]);

    // Crash after the manifest too: the re-run only adds the index entry.
    const second = signed('1.3.0');
    await uploadReleaseImage(bucket, second.release, second.image);
    await uploadReleaseManifest(bucket, second.release, [key.publicKey]);
    expect((await publishRelease(bucket, second.release, second.image, [key.publicKey], now)).outcome).toBe('published');
    expect((await readIndex())?.releases.map((r) => r.version)).toEqual(['1.2.0', '1.3.0']);
  });

  it('reads the uploaded image back and leaves the index alone when the storage returns other bytes', async () => {
    const { image, release } = signed('1.2.0');
    const proxy = await startConditionalProxy(requireService('s3'), { alterReadsOf: { key: release.objectKey, change: (body) => body.subarray(0, body.length - 1) } });
    const rotten = ReleaseBucket.open({ ...config, endpoint: proxy.url });
    try {
      const error = await rejection(() => publishRelease(rotten, release, image, [key.publicKey], now));
      expect(error).toMatchObject({ code: 'storage', exitCode: 7 });
      expect(error.message).toBe(`reading ${release.objectKey} back gave ${image.length - 1} bytes, sha256 ${createHash('sha256').update(image.subarray(0, -1)).digest('hex')}, not the released image; versions.json was not touched`);
      expect(await bucket.get(releaseManifestKey(release))).toBeNull();
      expect(await readIndex()).toBeNull();
    } finally {
      rotten.destroy();
      await proxy.close();
    }
  });

  it('refuses a malformed versions.json and leaves it untouched, before uploading the image', async () => {
    const { image, release } = signed('1.2.0');
    const malformed = [
      Buffer.from('{"schemaVersion":1,"releases":[{"version":"1.0.0"'),
      Buffer.from(JSON.stringify({ schemaVersion: 2, updatedAt: 1, releases: [] })),
      Buffer.from(JSON.stringify({ schemaVersion: 1, updatedAt: 1, releases: [{ ...release, sha256: 'nope' }] })),
      Buffer.from(JSON.stringify({ schemaVersion: 1, updatedAt: 1, releases: [release, release] })),
    ];
    for (const body of malformed) {
      await bucket.put(VERSIONS_INDEX_KEY, body, 'application/json');
      await bucket.readBack(VERSIONS_INDEX_KEY, (stored) => stored.equals(body));
      const error = await rejection(() => publishRelease(bucket, release, image, [key.publicKey], now));
      expect(error).toMatchObject({ code: 'malformed_index', exitCode: 5 });
      expect(error.message).toMatch(/left untouched/);
      expect((await bucket.get(VERSIONS_INDEX_KEY))?.body.equals(body)).toBe(true);
      expect(await bucket.head(release.objectKey)).toBeNull();
    }
    expect((await rejection(() => promoteRelease(bucket, 'tokkatot-node-esp32', '1.2.0', 'stable', now))).code).toBe('malformed_index');
  });

  it('refuses to grow versions.json past 1000 releases and writes nothing to it', async () => {
    const { image, release } = signed('2.0.0');
    const full = { schemaVersion: 1, updatedAt: clock, releases: Array.from({ length: 1000 }, (_, i) => ({ ...release, version: `0.${Math.floor(i / 100)}.${i % 100}`, objectKey: `firmware/v0.${Math.floor(i / 100)}.${i % 100}/tokkatot-node-esp32.bin` })) };
    const body = Buffer.from(JSON.stringify(full));
    await bucket.put(VERSIONS_INDEX_KEY, body, 'application/json');
    await bucket.readBack(VERSIONS_INDEX_KEY, (stored) => stored.equals(body));
    const error = await rejection(() => publishRelease(bucket, release, image, [key.publicKey], now));
    expect(error.code).toBe('malformed_index');
    expect(error.message).toMatch(/would be invalid .*at most 1000 releases\); nothing was written/);
    expect((await bucket.get(VERSIONS_INDEX_KEY))?.body.equals(body)).toBe(true);
  });

  it('refuses an existing manifest.json that describes other bytes', async () => {
    const first = signed('1.2.0');
    await uploadReleaseManifest(bucket, first.release, [key.publicKey]);
    const rebuilt = signed('1.2.0');
    expect((await rejection(() => publishRelease(bucket, rebuilt.release, rebuilt.image, [key.publicKey], now))).message).toMatch(/manifest.json already describes other bytes/);
    expect(await readIndex()).toBeNull();
  });

  it('loses no entry when two publishers read the same index, on a server that honours If-Match', async () => {
    const proxy = await startConditionalProxy(requireService('s3'), { holdReadsOf: VERSIONS_INDEX_KEY, heldReads: 2 });
    const racing = ReleaseBucket.open({ ...config, endpoint: proxy.url });
    try {
      const a = signed('1.2.0');
      const b = signed('1.3.0');
      await Promise.all([a, b].map((r) => uploadReleaseImage(racing, r.release, r.image)));
      const outcomes = await Promise.all([addReleaseToIndex(racing, a.release, now), addReleaseToIndex(racing, b.release, now)]);
      expect(outcomes).toEqual(['changed', 'changed']);
      // Both read "no index"; one creation won, the other was refused (If-None-Match: *) and merged.
      expect(proxy.preconditionFailures).toEqual([`/${config.bucket}/${VERSIONS_INDEX_KEY}`]);
      expect((await readIndex())?.releases.map((r) => r.version)).toEqual(['1.2.0', '1.3.0']);
    } finally {
      racing.destroy();
      await proxy.close();
    }
  });

  it('merges into an existing index under If-Match when another publisher wrote it in between', async () => {
    const first = signed('1.0.0');
    await publishRelease(bucket, first.release, first.image, [key.publicKey], now);
    const proxy = await startConditionalProxy(requireService('s3'), { holdReadsOf: VERSIONS_INDEX_KEY, heldReads: 2 });
    const racing = ReleaseBucket.open({ ...config, endpoint: proxy.url });
    try {
      const [a, b] = [signed('1.2.0'), signed('1.3.0')];
      await Promise.all([a, b].map((r) => uploadReleaseImage(racing, r.release, r.image)));
      await Promise.all([addReleaseToIndex(racing, a.release, now), addReleaseToIndex(racing, b.release, now)]);
      expect(proxy.preconditionFailures).toHaveLength(1);
      expect((await readIndex())?.releases.map((r) => r.version)).toEqual(['1.0.0', '1.2.0', '1.3.0']);
    } finally {
      racing.destroy();
      await proxy.close();
    }
  });
});

describe('promoteRelease', () => {
  it('moves a release to another channel; its signature still verifies', async () => {
    const { image, release } = signed('1.2.0');
    await publishRelease(bucket, release, image, [key.publicKey], now);
    expect(await promoteRelease(bucket, 'tokkatot-node-esp32', '1.2.0', 'stable', now)).toBe('changed');
    const promoted: FirmwareRelease = (await readIndex())!.releases[0]!;
    expect(promoted).toEqual({ ...release, channel: 'stable' });
    expect(verifyReleaseSignature(promoted, [key.publicKey]).ok).toBe(true);
    expect(await promoteRelease(bucket, 'tokkatot-node-esp32', '1.2.0', 'stable', now)).toBe('unchanged');
    // Publishing the same release again does not undo the promotion.
    await publishRelease(bucket, release, image, [key.publicKey], now);
    expect((await readIndex())!.releases[0]!.channel).toBe('stable');
  });

  it('refuses a release that is not published', async () => {
    expect(await rejection(() => promoteRelease(bucket, 'tokkatot-node-esp32', '9.9.9', 'stable', now))).toMatchObject({ code: 'not_found', exitCode: 6 });
  });
});
