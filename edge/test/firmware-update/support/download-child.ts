// Runs one release download in its own process, so a test can kill -9 it mid-body.
// Input: FW_CACHE_DIR, FW_RELEASE (JSON), FW_URL, FW_KEY (trusted public key).
import { FirmwareReleaseSchema } from '@tokkatot/shared';
import { systemClock } from '../../../src/clock.js';
import { FirmwareImageCache, ReleaseDownloader } from '../../../src/firmware-update/index.js';

const release = FirmwareReleaseSchema.parse(JSON.parse(process.env.FW_RELEASE ?? 'null'));
const downloader = new ReleaseDownloader({
  cache: new FirmwareImageCache(process.env.FW_CACHE_DIR ?? ''),
  trustedKeys: [process.env.FW_KEY ?? ''],
  requestUrl: async () => ({ url: process.env.FW_URL ?? '', expiresAt: Date.now() + 900_000, release }),
  clock: systemClock,
  // Every chunk synced: what the parent sees on disk is what a power cut would leave.
  syncEveryBytes: 1,
});
process.stdout.write('started\n');
await downloader.download(release);
process.stdout.write('done\n');
