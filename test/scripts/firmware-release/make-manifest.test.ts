import { createHash } from 'node:crypto';
import { FIRMWARE_IMAGE_MAX_BYTES, FirmwareReleaseSchema, verifyReleaseSignature } from '@tokkatot/shared';
import { describe, expect, it } from 'vitest';
import { makeSignedRelease, type ManifestOptions } from '../../../scripts/firmware-release/make-manifest.js';
import { generateReleaseKey } from '../../../scripts/firmware-release/release-key.js';
import { esp32Image, simulatorImage } from './support/images.js';
import { refusal } from './support/refusal.js';

const key = generateReleaseKey();
const options: ManifestOptions = { version: '1.3.0', board: 'tokkatot-node-esp32', channel: 'beta', minHardwareRevision: 2, notes: 'Feeder timing fix.' };
const publishedAt = Date.UTC(2026, 10, 27);

describe('makeSignedRelease', () => {
  it('signs an ESP-IDF image into a manifest entry that verifies with the public key', () => {
    const image = esp32Image({ version: '1.3.0', size: 10_000 });
    const { release, identity } = makeSignedRelease(image, options, key, publishedAt);
    expect(identity.kind).toBe('esp-idf');
    expect(FirmwareReleaseSchema.parse(release)).toEqual(release);
    expect(release).toMatchObject({
      board: 'tokkatot-node-esp32',
      version: '1.3.0',
      size: 10_000,
      sha256: createHash('sha256').update(image).digest('hex'),
      minHardwareRevision: 2,
      channel: 'beta',
      objectKey: 'firmware/v1.3.0/tokkatot-node-esp32.bin',
      publishedAt,
      notes: 'Feeder timing fix.',
      signature: { algorithm: 'ed25519', keyId: key.keyId },
    });
    expect(verifyReleaseSignature(release, [key.publicKey])).toEqual({ ok: true, keyId: key.keyId });
    expect(verifyReleaseSignature(release, [generateReleaseKey().publicKey]).ok).toBe(false);
  });

  it('signs a simulator image only when asked to', () => {
    const image = simulatorImage('1.3.0');
    expect(makeSignedRelease(image, options, key, publishedAt, true).identity.kind).toBe('simulator');
    expect(refusal(() => makeSignedRelease(image, options, key, publishedAt)).code).toBe('invalid_image');
  });

  it('refuses an image that carries another version than the one stated', () => {
    const error = refusal(() => makeSignedRelease(esp32Image({ version: '1.2.9' }), options, key, publishedAt));
    expect(error).toMatchObject({ code: 'version_mismatch', exitCode: 3 });
    expect(error.message).toBe('the image carries version 1.2.9 but --version is 1.3.0; rebuild with idf.py -DPROJECT_VER=1.3.0 build');
    expect(refusal(() => makeSignedRelease(simulatorImage('1.3.0-beta.1'), options, key, publishedAt, true)).code).toBe('version_mismatch');
  });

  it('refuses empty and oversized images before reading them', () => {
    expect(refusal(() => makeSignedRelease(new Uint8Array(), options, key, publishedAt)).message).toBe('the image is empty');
    const huge = esp32Image({ version: '1.3.0', size: FIRMWARE_IMAGE_MAX_BYTES + 1 });
    expect(refusal(() => makeSignedRelease(huge, options, key, publishedAt)).message).toMatch(/has 1966081 bytes; an OTA slot takes at most 1966080/);
    expect(makeSignedRelease(esp32Image({ version: '1.3.0', size: FIRMWARE_IMAGE_MAX_BYTES }), options, key, publishedAt).release.size).toBe(FIRMWARE_IMAGE_MAX_BYTES);
  });

  it('refuses bad options, naming the flag', () => {
    const image = esp32Image({ version: '1.3.0' });
    const cases: Array<[Partial<ManifestOptions>, string]> = [
      [{ version: 'latest' }, '--version "latest"'],
      [{ board: 'esp8266' }, '--board "esp8266"'],
      [{ channel: 'nightly' }, '--channel "nightly"'],
      [{ minHardwareRevision: 256 }, '--min-hw 256'],
      [{ minHardwareRevision: 1.5 }, '--min-hw 1.5'],
      [{ notes: 'x'.repeat(2001) }, '--notes'],
    ];
    for (const [change, flag] of cases) {
      const error = refusal(() => makeSignedRelease(image, { ...options, ...change }, key, publishedAt));
      expect(error.code).toBe('usage');
      expect(error.message.startsWith(flag)).toBe(true);
    }
  });
});
