import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storageSettingsFrom } from '../../src/firmware/index.js';
import { ConfigError, loadConfig } from '../../src/ops/config.js';

const publicKey = () => Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

describe('firmware storage settings', () => {
  it('reads the bucket and the trusted release keys, reaching a host without a scheme over https', () => {
    const keys = [publicKey(), publicKey()];
    const config = loadConfig({ STORAGE_ENDPOINT: 'sgp1.digitaloceanspaces.com', STORAGE_BUCKET: 'tokkatot-production', STORAGE_KEY: 'k', STORAGE_SECRET: 's', FIRMWARE_RELEASE_KEYS: ` ${keys[0]}, ${keys[1]} ,` });
    expect(config.FIRMWARE_RELEASE_KEYS).toEqual(keys);
    expect(storageSettingsFrom(config)).toEqual({ endpoint: 'https://sgp1.digitaloceanspaces.com', bucket: 'tokkatot-production', accessKeyId: 'k', secretAccessKey: 's', region: 'us-east-1' });
  });

  it('leaves storage off until endpoint, bucket, key and secret are all set', () => {
    expect(storageSettingsFrom(loadConfig({}))).toBeUndefined();
    expect(loadConfig({}).FIRMWARE_RELEASE_KEYS).toEqual([]);
    expect(storageSettingsFrom(loadConfig({ STORAGE_ENDPOINT: 'sgp1.digitaloceanspaces.com', STORAGE_BUCKET: 'tokkatot-production' }))).toBeUndefined();
  });

  it('names a bad release key, bucket or endpoint', () => {
    let error: unknown;
    try {
      loadConfig({ FIRMWARE_RELEASE_KEYS: 'not-a-key', STORAGE_BUCKET: 'Bad_Bucket', STORAGE_ENDPOINT: 'ftp://example.com', STORAGE_SECRET: '' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/FIRMWARE_RELEASE_KEYS: must be a base64 Ed25519 public key/);
    expect(problems).toMatch(/STORAGE_BUCKET: must be a bucket name/);
    expect(problems).toMatch(/STORAGE_ENDPOINT: must start with http: or https:/);
  });
});
