import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FirmwareReleaseSchema,
  FirmwareTargetSchema,
  releaseKeyId,
  releaseSigningPayload,
  verifyReleaseSignature,
  type FirmwareRelease,
} from '../../src/index.js';

/** A release key as the publishing script makes one: node:crypto Ed25519, raw public key in base64. */
function releaseKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const publicBase64 = Buffer.from(raw, 'base64url').toString('base64');
  return { privateKey, publicBase64, keyId: releaseKeyId(publicBase64) };
}

function signedRelease(key: ReturnType<typeof releaseKey>, image: Buffer, overrides: Partial<FirmwareRelease> = {}): FirmwareRelease {
  const unsigned = {
    board: 'tokkatot-node-esp32' as const,
    version: '1.2.0',
    size: image.length,
    sha256: createHash('sha256').update(image).digest('hex'),
    minHardwareRevision: 1,
    channel: 'stable' as const,
    objectKey: 'firmware/v1.2.0/tokkatot-node-esp32.bin',
    publishedAt: Date.UTC(2026, 10, 1),
    notes: '',
    ...overrides,
  };
  const value = sign(null, releaseSigningPayload(unsigned), key.privateKey).toString('base64');
  return FirmwareReleaseSchema.parse({ ...unsigned, signature: { algorithm: 'ed25519', keyId: key.keyId, value } });
}

describe('firmware release signatures', () => {
  const image = Buffer.from('pretend ESP32 image '.repeat(50));

  it('verifies a release signed by node:crypto with a trusted key, naming the key', () => {
    const key = releaseKey();
    expect(verifyReleaseSignature(signedRelease(key, image), [key.publicBase64])).toEqual({ ok: true, keyId: key.keyId });
  });

  it('refuses a release whose signed fields were changed after signing', () => {
    const key = releaseKey();
    const release = signedRelease(key, image);
    for (const forged of [
      { ...release, version: '9.9.9' },
      { ...release, sha256: createHash('sha256').update('other image').digest('hex') },
      { ...release, minHardwareRevision: 0 },
      { ...release, size: release.size + 1 },
    ]) {
      expect(verifyReleaseSignature(forged, [key.publicBase64])).toEqual({ ok: false, reason: 'bad_signature' });
    }
  });

  it('keeps the channel out of the signature, so promoting beta to stable needs no new signature', () => {
    const key = releaseKey();
    const beta = signedRelease(key, image, { channel: 'beta' });
    expect(verifyReleaseSignature({ ...beta, channel: 'stable' }, [key.publicBase64]).ok).toBe(true);
  });

  it('refuses a release signed by a key nobody trusts, even when its key id is forged', () => {
    const [trusted, stranger] = [releaseKey(), releaseKey()];
    expect(verifyReleaseSignature(signedRelease(stranger, image), [trusted.publicBase64])).toEqual({ ok: false, reason: 'unknown_key' });
    const forgedId = signedRelease(stranger, image);
    forgedId.signature.keyId = trusted.keyId;
    expect(verifyReleaseSignature(forgedId, [trusted.publicBase64])).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects malformed manifest entries with the field named', () => {
    const release = signedRelease(releaseKey(), image);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...release, sha256: 'ABC' }, 'sha256'],
      [{ ...release, size: 3_000_000 }, 'size'],
      [{ ...release, objectKey: '../../etc/passwd' }, 'objectKey'],
      [{ ...release, version: 'latest' }, 'version'],
      [{ ...release, signature: { ...release.signature, algorithm: 'rsa' } }, 'signature'],
      [{ ...release, extra: true }, 'extra'],
    ];
    for (const [input, field] of cases) {
      const parsed = FirmwareReleaseSchema.safeParse(input);
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).toContain(field);
    }
  });

  it('describes a farm target with its window, or none', () => {
    const target = {
      id: 'farm-1',
      farmId: 'farm-1',
      hlc: '001795766400000:00000:cloud-1',
      updatedAt: Date.UTC(2026, 10, 1),
      channel: 'stable',
      release: null,
      window: { start: '02:00', end: '04:00' },
      paused: false,
    };
    expect(FirmwareTargetSchema.parse(target).release).toBeNull();
    expect(FirmwareTargetSchema.safeParse({ ...target, window: { start: '2 AM', end: '04:00' } }).success).toBe(false);
  });
});
