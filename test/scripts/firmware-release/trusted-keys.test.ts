import { describe, expect, it } from 'vitest';
import { readBucketConfig } from '../../../scripts/firmware-release/release-bucket.js';
import { generateReleaseKey } from '../../../scripts/firmware-release/release-key.js';
import { readTrustedKeys } from '../../../scripts/firmware-release/trusted-keys.js';
import { refusal } from './support/refusal.js';

describe('readTrustedKeys', () => {
  const [a, b] = [generateReleaseKey().publicKey, generateReleaseKey().publicKey];

  it('joins --trusted-key flags and FIRMWARE_RELEASE_KEYS, without duplicates', () => {
    expect(readTrustedKeys([a], { FIRMWARE_RELEASE_KEYS: ` ${b}, ${a},` })).toEqual([a, b]);
  });

  it('refuses no key at all and a key that is not a raw Ed25519 public key', () => {
    expect(refusal(() => readTrustedKeys([], {})).message).toMatch(/no trusted release key/);
    expect(refusal(() => readTrustedKeys([], { FIRMWARE_RELEASE_KEYS: 'c2hvcnQ=' })).message).toMatch(/"c2hvcnQ=" is not a base64 Ed25519 public key/);
  });
});

describe('readBucketConfig', () => {
  it('reads the S3_* variables with us-east-1 as the default region', () => {
    expect(readBucketConfig({ S3_ENDPOINT: 'https://sgp1.digitaloceanspaces.com', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret', S3_BUCKET: 'tokkatot-production' })).toEqual({
      endpoint: 'https://sgp1.digitaloceanspaces.com',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      bucket: 'tokkatot-production',
    });
  });

  it('names every missing variable', () => {
    expect(refusal(() => readBucketConfig({ S3_ENDPOINT: 'http://127.0.0.1:1' })).message).toBe('S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET are not set');
  });
});
