import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { ReleasePublicKeySchema, releaseKeyId } from '@tokkatot/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { generateReleaseKey, loadReleaseKey, writePrivateKey } from '../../../scripts/firmware-release/release-key.js';
import { refusal } from './support/refusal.js';

const work = mkdtempSync(join(tmpdir(), 'tokkatot-release-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('release keys', () => {
  it('writes the private key for its owner only and loads it back with the same public key and id', () => {
    const key = generateReleaseKey();
    expect(ReleasePublicKeySchema.safeParse(key.publicKey).success).toBe(true);
    expect(key.keyId).toBe(releaseKeyId(key.publicKey));
    const path = join(work, 'release.pem');
    writePrivateKey(path, key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const loaded = loadReleaseKey(path);
    expect({ publicKey: loaded.publicKey, keyId: loaded.keyId }).toEqual({ publicKey: key.publicKey, keyId: key.keyId });
  });

  it('never overwrites an existing key file', () => {
    const path = join(work, 'kept.pem');
    writeFileSync(path, 'the old key');
    expect(refusal(() => writePrivateKey(path, generateReleaseKey()))).toMatchObject({ code: 'key_exists', exitCode: 2 });
    expect(readFileSync(path, 'utf8')).toBe('the old key');
  });

  it('refuses a missing file, a file that is no key, and a key of another algorithm', () => {
    expect(refusal(() => loadReleaseKey(join(work, 'missing.pem'))).message).toMatch(/cannot read the release key/);
    const garbage = join(work, 'garbage.pem');
    writeFileSync(garbage, 'not a key');
    expect(refusal(() => loadReleaseKey(garbage)).message).toMatch(/not a PEM private key/);
    const rsa = join(work, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(refusal(() => loadReleaseKey(rsa)).message).toMatch(/is a rsa key; release keys are Ed25519/);
  });
});
