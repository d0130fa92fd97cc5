/**
 * Publishes a signed release to the firmware bucket:
 *   npx tsx scripts/firmware-release/publish.ts <manifest.json> <image.bin> [--trusted-key <base64>]…
 * Bucket from S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET; trusted
 * keys from --trusted-key and FIRMWARE_RELEASE_KEYS. Safe to re-run: an identical release is a no-op.
 */
import { readFileSync } from 'node:fs';
import { parseCommandLine, runCommand } from './cli.js';
import { publishRelease } from './publish-release.js';
import { ReleaseBucket, readBucketConfig } from './release-bucket.js';
import { ReleaseError } from './release-error.js';
import { readTrustedKeys } from './trusted-keys.js';

const USAGE = 'usage: publish.ts <manifest.json> <image.bin> [--trusted-key <base64>]…   (bucket from S3_* variables)';

runCommand(async (argv) => {
  const { values, positionals } = parseCommandLine(argv, { 'trusted-key': { type: 'string', multiple: true, default: [] } }, USAGE);
  if (positionals.length !== 2) throw new ReleaseError('usage', USAGE);
  const trustedKeys = readTrustedKeys(values['trusted-key'] ?? [], process.env);
  const config = readBucketConfig(process.env);
  const manifest = readJson(positionals[0]!);
  const image = readFile(positionals[1]!);
  const bucket = ReleaseBucket.open(config);
  try {
    const { outcome, release } = await publishRelease(bucket, manifest, image, trustedKeys);
    process.stdout.write(`${outcome === 'published' ? 'published' : 'already published (nothing changed)'}: ${release.board} ${release.version} on ${release.channel} → s3://${config.bucket}/${release.objectKey}\n`);
  } finally {
    bucket.destroy();
  }
});

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ReleaseError('usage', `cannot read ${path}: ${(error as Error).message}`);
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFile(path).toString('utf8'));
  } catch (error) {
    if (error instanceof ReleaseError) throw error;
    throw new ReleaseError('invalid_manifest', `${path} is not JSON`);
  }
}
