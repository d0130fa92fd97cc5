import { FirmwareVersionsIndexSchema, type FirmwareRelease, type FirmwareVersionsIndex } from '@tokkatot/shared';
import { ReleaseError } from './release-error.js';
import type { ReleaseBucket } from './release-bucket.js';

export const VERSIONS_INDEX_KEY = 'firmware/versions.json';

/** The index as read, with the ETag a conditional write must match (null: no index yet). */
export interface LoadedIndex {
  index: FirmwareVersionsIndex;
  etag: string | null;
}

/**
 * Reads versions.json. A missing index is an empty one; a malformed one is refused, never
 * repaired: farms read that file, and guessing what it meant could drop releases.
 */
export async function loadVersionsIndex(bucket: ReleaseBucket): Promise<LoadedIndex> {
  const stored = await bucket.get(VERSIONS_INDEX_KEY);
  if (!stored) return { index: { schemaVersion: 1, updatedAt: 0, releases: [] }, etag: null };
  return { index: parseVersionsIndex(stored.body, bucket.name), etag: stored.etag };
}

/** Parses and validates versions.json, naming the first problem; duplicates count as malformed. */
export function parseVersionsIndex(body: Buffer, bucketName: string): FirmwareVersionsIndex {
  const refuse = (problem: string) => new ReleaseError('malformed_index', `${VERSIONS_INDEX_KEY} in bucket ${bucketName} ${problem}; fix it by hand before publishing (it was left untouched)`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw refuse('is not JSON');
  }
  const parsed = FirmwareVersionsIndexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refuse(`is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const duplicate = findDuplicate(parsed.data.releases);
  if (duplicate) throw refuse(`lists ${duplicate} twice`);
  return parsed.data;
}

/**
 * Writes the index, conditional on the ETag it was read with, then reads it back. The read-back
 * catches a lost update on a server that ignores the condition, as far as a read can.
 */
export async function storeVersionsIndex(bucket: ReleaseBucket, loaded: LoadedIndex, next: FirmwareVersionsIndex, mustContain: (index: FirmwareVersionsIndex) => boolean): Promise<void> {
  const valid = FirmwareVersionsIndexSchema.safeParse(next);
  if (!valid.success) throw new ReleaseError('malformed_index', `the new ${VERSIONS_INDEX_KEY} would be invalid (${valid.error.issues[0]?.message}; at most 1000 releases); nothing was written`);
  const body = Buffer.from(`${JSON.stringify(valid.data, null, 2)}\n`);
  await bucket.put(VERSIONS_INDEX_KEY, body, 'application/json', loaded.etag ? { ifMatch: loaded.etag } : { ifAbsent: true });
  const contains = (stored: Buffer) => {
    try {
      return mustContain(parseVersionsIndex(stored, bucket.name));
    } catch {
      return false;
    }
  };
  const after = await bucket.readBack(VERSIONS_INDEX_KEY, contains);
  // Gone, malformed or without the entry: another publisher wrote last. The caller re-reads and merges again.
  if (!after || !contains(after.body)) throw new ReleaseError('index_conflict', `${VERSIONS_INDEX_KEY} was overwritten by another publisher right after this write`);
}

/** Runs read-modify-write on the index until it sticks (another publisher may write in between). */
export async function updateVersionsIndex(
  bucket: ReleaseBucket,
  change: (index: FirmwareVersionsIndex) => FirmwareVersionsIndex | null,
  mustContain: (index: FirmwareVersionsIndex) => boolean,
  now: () => number,
  attempts = 5,
): Promise<'changed' | 'unchanged'> {
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadVersionsIndex(bucket);
    const next = change(loaded.index);
    if (!next) return 'unchanged';
    try {
      await storeVersionsIndex(bucket, loaded, { ...next, updatedAt: Math.max(now(), loaded.index.updatedAt + 1) }, mustContain);
      return 'changed';
    } catch (error) {
      if (!(error instanceof ReleaseError) || error.code !== 'index_conflict' || attempt >= attempts) throw error;
    }
  }
}

/** Compares release versions: numeric MAJOR.MINOR.PATCH, and a pre-release before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = splitVersion(a);
  const [coreB = '', preB] = splitVersion(b);
  const numbersA = coreA.split('.').map(Number);
  const numbersB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const difference = (numbersA[i] ?? 0) - (numbersB[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

/** The index order: by board, then by version, oldest first. */
export function sortReleases(releases: readonly FirmwareRelease[]): FirmwareRelease[] {
  return [...releases].sort((a, b) => (a.board === b.board ? compareVersions(a.version, b.version) : a.board < b.board ? -1 : 1));
}

function splitVersion(version: string): [string, string | undefined] {
  const dash = version.indexOf('-');
  return dash < 0 ? [version, undefined] : [version.slice(0, dash), version.slice(dash + 1)];
}

function findDuplicate(releases: readonly FirmwareRelease[]): string | null {
  const seen = new Set<string>();
  for (const release of releases) {
    const name = `${release.board} ${release.version}`;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}
