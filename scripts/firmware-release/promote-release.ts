import type { FirmwareChannel } from '@tokkatot/shared';
import { ReleaseError } from './release-error.js';
import type { ReleaseBucket } from './release-bucket.js';
import { updateVersionsIndex } from './versions-index.js';

/**
 * Moves a published release to another channel in versions.json. The channel is not signed, so
 * the signature stays valid; manifest.json keeps the channel the release was first published on.
 */
export async function promoteRelease(bucket: ReleaseBucket, board: string, version: string, channel: FirmwareChannel, now: () => number = Date.now): Promise<'changed' | 'unchanged'> {
  return updateVersionsIndex(
    bucket,
    (index) => {
      const position = index.releases.findIndex((entry) => entry.board === board && entry.version === version);
      if (position < 0) throw new ReleaseError('not_found', `${board} ${version} is not in versions.json; publish it first`);
      if (index.releases[position]!.channel === channel) return null;
      return { ...index, releases: index.releases.map((entry, i) => (i === position ? { ...entry, channel } : entry)) };
    },
    (index) => index.releases.some((entry) => entry.board === board && entry.version === version && entry.channel === channel),
    now,
  );
}
