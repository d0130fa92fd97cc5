import { createHash } from 'node:crypto';
import { FirmwareReleaseSchema, verifyReleaseSignature, type FirmwareRelease } from '@tokkatot/shared';
import { readImageIdentity } from './image-version.js';
import { releaseObjectKey } from './make-manifest.js';
import { ReleaseError } from './release-error.js';
import type { ReleaseBucket } from './release-bucket.js';
import { loadVersionsIndex, sortReleases, updateVersionsIndex } from './versions-index.js';

/** The signed manifest stored beside the image. */
export function releaseManifestKey(release: Pick<FirmwareRelease, 'version'>): string {
  return `firmware/v${release.version}/manifest.json`;
}

/** Two entries are the same release when everything the signature covers is equal. */
export function isSameRelease(a: FirmwareRelease, b: FirmwareRelease): boolean {
  return a.board === b.board && a.version === b.version && a.size === b.size && a.sha256 === b.sha256 && a.minHardwareRevision === b.minHardwareRevision && a.objectKey === b.objectKey;
}

/**
 * Checks a manifest and its image before anything is uploaded: the entry is well-formed, signed
 * by a trusted key, and describes exactly these bytes, which carry the same version.
 */
export function checkReleaseForPublishing(manifest: unknown, image: Uint8Array, trustedKeys: readonly string[]): FirmwareRelease {
  const parsed = FirmwareReleaseSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ReleaseError('invalid_manifest', `the manifest is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const release = parsed.data;
  if (release.objectKey !== releaseObjectKey(release)) throw new ReleaseError('invalid_manifest', `objectKey is ${release.objectKey}; a release of ${release.board} ${release.version} lives at ${releaseObjectKey(release)}`);
  requireTrustedSignature(release, trustedKeys, 'the manifest');
  const sha256 = createHash('sha256').update(image).digest('hex');
  if (image.length !== release.size || sha256 !== release.sha256) {
    throw new ReleaseError('invalid_manifest', `the image (${image.length} bytes, sha256 ${sha256}) is not the one the manifest signs (${release.size} bytes, sha256 ${release.sha256})`);
  }
  const identity = readImageIdentity(image);
  if (identity.version !== release.version) throw new ReleaseError('version_mismatch', `the image carries version ${identity.version} but the manifest says ${release.version}`);
  return release;
}

/** Refuses, before any upload, a release that would contradict what the index already lists. */
export async function checkIndexAccepts(bucket: ReleaseBucket, release: FirmwareRelease): Promise<void> {
  const { index } = await loadVersionsIndex(bucket);
  const listed = index.releases.find((entry) => entry.board === release.board && entry.version === release.version);
  if (listed && !isSameRelease(listed, release)) throw immutable(release, `versions.json lists it with sha256 ${listed.sha256} (${listed.size} bytes)`);
}

/**
 * Uploads the image unless the identical bytes are already there, then reads it back: the index
 * only ever names an image whose stored size and hash were checked. Returns whether it was there.
 */
export async function uploadReleaseImage(bucket: ReleaseBucket, release: FirmwareRelease, image: Uint8Array): Promise<'uploaded' | 'present'> {
  const existing = await bucket.get(release.objectKey);
  if (existing) {
    if (!matchesRelease(existing.body, release)) throw immutable(release, `${release.objectKey} already holds other bytes`);
    return 'present';
  }
  await bucket.put(release.objectKey, image, 'application/octet-stream', { ifAbsent: true });
  const stored = await bucket.readBack(release.objectKey, (body) => matchesRelease(body, release));
  if (!stored || !matchesRelease(stored.body, release)) {
    const got = stored ? `${stored.body.length} bytes, sha256 ${sha256Hex(stored.body)}` : 'nothing';
    throw new ReleaseError('storage', `reading ${release.objectKey} back gave ${got}, not the released image; versions.json was not touched`);
  }
  return 'uploaded';
}

/**
 * Stores manifest.json beside the image unless the same release is there already. The stored
 * one wins (first write), so a retry with a re-signed manifest keeps what farms may have seen.
 */
export async function uploadReleaseManifest(bucket: ReleaseBucket, release: FirmwareRelease, trustedKeys: readonly string[]): Promise<{ release: FirmwareRelease; outcome: 'uploaded' | 'present' }> {
  const key = releaseManifestKey(release);
  const stored = await bucket.get(key);
  if (!stored) {
    const body = Buffer.from(`${JSON.stringify(release, null, 2)}\n`);
    await bucket.put(key, body, 'application/json', { ifAbsent: true });
    const written = await bucket.readBack(key, (read) => read.equals(body));
    if (!written?.body.equals(body)) throw new ReleaseError('storage', `reading ${key} back did not give the manifest just written; versions.json was not touched`);
    return { release, outcome: 'uploaded' };
  }
  let existing: FirmwareRelease;
  try {
    existing = FirmwareReleaseSchema.parse(JSON.parse(stored.body.toString('utf8')));
  } catch {
    throw new ReleaseError('immutable_release', `${key} already exists and is not a valid manifest; it was left untouched`);
  }
  if (!isSameRelease(existing, release)) throw immutable(release, `${key} already describes other bytes (sha256 ${existing.sha256})`);
  requireTrustedSignature(existing, trustedKeys, `the stored ${key}`);
  return { release: existing, outcome: 'present' };
}

/** Adds the release to versions.json (sorted), or leaves the index alone when it is listed already. */
export async function addReleaseToIndex(bucket: ReleaseBucket, release: FirmwareRelease, now: () => number): Promise<'changed' | 'unchanged'> {
  return updateVersionsIndex(
    bucket,
    (index) => {
      const listed = index.releases.find((entry) => entry.board === release.board && entry.version === release.version);
      if (listed) {
        if (!isSameRelease(listed, release)) throw immutable(release, `versions.json lists it with sha256 ${listed.sha256}`);
        return null;
      }
      return { ...index, releases: sortReleases([...index.releases, release]) };
    },
    (index) => index.releases.some((entry) => isSameRelease(entry, release)),
    now,
  );
}

export interface PublishResult {
  outcome: 'published' | 'already_published';
  release: FirmwareRelease;
}

/**
 * Publishes a signed release: image, manifest.json, then the index entry. Every step is
 * idempotent, so after a crash the same command completes the release.
 */
export async function publishRelease(bucket: ReleaseBucket, manifest: unknown, image: Uint8Array, trustedKeys: readonly string[], now: () => number = Date.now): Promise<PublishResult> {
  const release = checkReleaseForPublishing(manifest, image, trustedKeys);
  await checkIndexAccepts(bucket, release);
  const imageOutcome = await uploadReleaseImage(bucket, release, image);
  const stored = await uploadReleaseManifest(bucket, release, trustedKeys);
  const indexOutcome = await addReleaseToIndex(bucket, stored.release, now);
  const untouched = imageOutcome === 'present' && stored.outcome === 'present' && indexOutcome === 'unchanged';
  return { outcome: untouched ? 'already_published' : 'published', release: stored.release };
}

function requireTrustedSignature(release: FirmwareRelease, trustedKeys: readonly string[], what: string): void {
  const verdict = verifyReleaseSignature(release, trustedKeys);
  if (verdict.ok) return;
  throw new ReleaseError(
    'untrusted_signature',
    verdict.reason === 'unknown_key'
      ? `${what} is signed by key ${release.signature.keyId}, which is not among the ${trustedKeys.length} trusted key(s)`
      : `${what} has a signature that does not match its contents (changed after signing, or signed for other bytes)`,
  );
}

function matchesRelease(body: Buffer, release: FirmwareRelease): boolean {
  return body.length === release.size && sha256Hex(body) === release.sha256;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function immutable(release: FirmwareRelease, detail: string): ReleaseError {
  return new ReleaseError('immutable_release', `${release.board} ${release.version} is already published with other contents (${detail}); releases are immutable, publish a new version`);
}
