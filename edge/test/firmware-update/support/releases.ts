import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { FirmwareReleaseSchema, releaseKeyId, releaseSigningPayload, type FirmwareRelease } from '@tokkatot/shared';

/** A release key pair: the private half signs in the test, the public half goes in the edge's config. */
export interface ReleaseKey {
  publicKey: string;
  privateKey: KeyObject;
}

export function makeReleaseKey(): ReleaseKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { publicKey: raw.toString('base64'), privateKey };
}

/** A simulator image: its header line (what tokkatot-sim boots as), then bytes that differ everywhere. */
export function makeSimImage(version: string, size: number, options: { neverHealthy?: boolean } = {}): Uint8Array {
  const header = Buffer.from(`TOKKATOT-SIM-IMAGE version=${version}${options.neverHealthy ? ' never-healthy' : ''}\n`);
  const bytes = new Uint8Array(size);
  bytes.set(header);
  let x = 0x9e3779b9;
  for (let i = header.length; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** The release entry of an image, signed by the key (as the publishing script does). */
export function signRelease(bytes: Uint8Array, version: string, key: ReleaseKey, overrides: Partial<FirmwareRelease> = {}): FirmwareRelease {
  const unsigned = {
    board: 'tokkatot-node-esp32' as const,
    version,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    minHardwareRevision: 0,
    channel: 'stable' as const,
    objectKey: `firmware/v${version}/tokkatot-node-esp32.bin`,
    publishedAt: 1_790_000_000_000,
    notes: '',
    ...overrides,
  };
  const value = sign(null, releaseSigningPayload(unsigned), key.privateKey).toString('base64');
  return FirmwareReleaseSchema.parse({ ...unsigned, signature: { algorithm: 'ed25519', keyId: releaseKeyId(key.publicKey), value } });
}
