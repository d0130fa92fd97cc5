import { createHash, sign } from 'node:crypto';
import {
  FIRMWARE_IMAGE_MAX_BYTES,
  FirmwareBoardSchema,
  FirmwareChannelSchema,
  FirmwareReleaseSchema,
  FirmwareVersionSchema,
  releaseSigningPayload,
  verifyReleaseSignature,
  type FirmwareRelease,
} from '@tokkatot/shared';
import { checkImageBoard, readImageIdentity, type ImageIdentity } from './image-version.js';
import { ReleaseError } from './release-error.js';
import type { ReleaseKey } from './release-key.js';

/** Where a release's image lives in the bucket (the deployment spec's `firmware/v<version>/`). */
export function releaseObjectKey(release: Pick<FirmwareRelease, 'version' | 'board'>): string {
  return `firmware/v${release.version}/${release.board}.bin`;
}

/** What the person releasing states about the image; the image must agree where it can tell. */
export interface ManifestOptions {
  version: string;
  board: string;
  channel: string;
  minHardwareRevision: number;
  notes: string;
}

/** A signed release and what the image said about itself. */
export interface SignedRelease {
  release: FirmwareRelease;
  identity: ImageIdentity;
}

/**
 * Builds and signs the manifest entry of an image. The version must be the one compiled into the
 * image (a node reports that one in its hello), and the signature is checked with the key's own
 * public half before anything is returned.
 */
export function makeSignedRelease(image: Uint8Array, options: ManifestOptions, key: ReleaseKey, publishedAt: number, allowSimulator = false): SignedRelease {
  const version = checkOption('--version', FirmwareVersionSchema, options.version);
  const board = checkOption('--board', FirmwareBoardSchema, options.board);
  const channel = checkOption('--channel', FirmwareChannelSchema, options.channel);
  const minHardwareRevision = checkOption('--min-hw', FirmwareReleaseSchema.shape.minHardwareRevision, options.minHardwareRevision);
  const notes = checkOption('--notes', FirmwareReleaseSchema.shape.notes, options.notes);
  if (image.length === 0) throw new ReleaseError('invalid_image', 'the image is empty');
  if (image.length > FIRMWARE_IMAGE_MAX_BYTES) throw new ReleaseError('invalid_image', `the image has ${image.length} bytes; an OTA slot takes at most ${FIRMWARE_IMAGE_MAX_BYTES}`);
  const identity = readImageIdentity(image);
  checkImageBoard(image, identity, board, allowSimulator);
  if (identity.version !== version) {
    throw new ReleaseError('version_mismatch', `the image carries version ${identity.version} but --version is ${version}; rebuild with idf.py -DPROJECT_VER=${version} build`);
  }
  const unsigned = {
    board,
    version,
    size: image.length,
    sha256: createHash('sha256').update(image).digest('hex'),
    minHardwareRevision,
    channel,
    objectKey: releaseObjectKey({ version, board }),
    publishedAt,
    notes,
  };
  const value = sign(null, releaseSigningPayload(unsigned), key.privateKey).toString('base64');
  const release = FirmwareReleaseSchema.parse({ ...unsigned, signature: { algorithm: 'ed25519', keyId: key.keyId, value } });
  const check = verifyReleaseSignature(release, [key.publicKey]);
  if (!check.ok) throw new ReleaseError('invalid_key', `the new signature does not verify with the key's own public half (${check.reason})`);
  return { release, identity };
}

interface OptionSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } };
}

function checkOption<T>(name: string, schema: OptionSchema<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ReleaseError('usage', `${name} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
