import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirmwareVersionsIndexSchema, verifyReleaseSignature } from '@tokkatot/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSignedRelease } from '../../../scripts/firmware-release/make-manifest.js';
import { loadReleaseKey } from '../../../scripts/firmware-release/release-key.js';
import { VERSIONS_INDEX_KEY } from '../../../scripts/firmware-release/versions-index.js';
import { REPO, run } from '../support/run.js';
import { esp32Image } from './support/images.js';
import { createTestBucket } from './support/test-bucket.js';

// Each command starts tsx (about a second), so only three run; the behaviour behind them is tested
// through the library. The tests run in order: the key keygen.ts writes signs the later releases.
const work = mkdtempSync(join(tmpdir(), 'tokkatot-release-commands-'));
const command = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/firmware-release', name), ...args], { env: { NODE_NO_WARNINGS: '1', ...env }, timeoutMs: 60_000 });

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('release commands', () => {
  it('keygen.ts writes a 0600 key and prints its public key and key id', async () => {
    const path = join(work, 'release.pem');
    const result = await command('keygen.ts', [path]);
    expect(result.code, result.stderr).toBe(0);
    const key = loadReleaseKey(path);
    expect(result.stdout).toBe(`publicKey=${key.publicKey}\nkeyId=${key.keyId}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('sign-release.ts exits 3 naming both versions when the image carries another version', async () => {
    const path = join(work, 'release.pem');
    const imagePath = join(work, 'node.bin');
    writeFileSync(imagePath, esp32Image({ version: '1.4.0' }));
    const result = await command('sign-release.ts', [imagePath, '--version', '1.4.1', '--board', 'tokkatot-node-esp32', '--channel', 'beta', '--min-hw', '1', '--key', path, '--out', join(work, 'manifest.json')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('error: the image carries version 1.4.0 but --version is 1.4.1; rebuild with idf.py -DPROJECT_VER=1.4.1 build\n');
    expect(() => statSync(join(work, 'manifest.json'))).toThrow();
  });

  it('publish.ts takes the bucket and trusted keys from the environment and prints where the release went', async () => {
    const { env, bucket, config } = await createTestBucket();
    try {
      const key = loadReleaseKey(join(work, 'release.pem'));
      const image = esp32Image({ version: '1.4.0' });
      const { release } = makeSignedRelease(image, { version: '1.4.0', board: 'tokkatot-node-esp32', channel: 'beta', minHardwareRevision: 1, notes: '' }, key, Date.now());
      writeFileSync(join(work, 'manifest.json'), JSON.stringify(release));
      writeFileSync(join(work, 'node.bin'), image);
      const result = await command('publish.ts', [join(work, 'manifest.json'), join(work, 'node.bin')], { ...env, FIRMWARE_RELEASE_KEYS: ` ${key.publicKey} ` });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`published: tokkatot-node-esp32 1.4.0 on beta → s3://${config.bucket}/firmware/v1.4.0/tokkatot-node-esp32.bin\n`);
      const index = FirmwareVersionsIndexSchema.parse(JSON.parse((await bucket.get(VERSIONS_INDEX_KEY))!.body.toString('utf8')));
      expect(verifyReleaseSignature(index.releases[0]!, [key.publicKey]).ok).toBe(true);
      expect(readFileSync(join(work, 'node.bin')).equals((await bucket.get(release.objectKey))!.body)).toBe(true);
    } finally {
      bucket.destroy();
    }
  });
});
