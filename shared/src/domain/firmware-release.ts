import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { z } from 'zod';
import { canonicalize } from '../canonical-json.js';
import { DocumentMetaShape, TimeOfDaySchema, TimestampMsSchema } from './common.js';
import { FirmwareVersionSchema } from './node.js';
import { Sha256HexSchema } from '../protocol/messages.js';

/** The boards a release is built for (the ESP-IDF project of `firmware/port-esp32`). */
export const FirmwareBoardSchema = z.enum(['tokkatot-node-esp32']);
export type FirmwareBoard = z.infer<typeof FirmwareBoardSchema>;

/** Release channels: `beta` farms take a release first, `stable` farms after it proved itself. */
export const FirmwareChannelSchema = z.enum(['stable', 'beta']);
export type FirmwareChannel = z.infer<typeof FirmwareChannelSchema>;

/** Largest image a node's OTA slot takes (partitions.csv: two 1.875 MiB app slots). */
export const FIRMWARE_IMAGE_MAX_BYTES = 1_966_080;

/**
 * A release signature: Ed25519 over `releaseSigningPayload(release)`, by the release key whose
 * id is `keyId` (first 16 hex digits of the SHA-256 of the raw 32-byte public key). Keys are
 * named so a farm can trust the next key before the old one retires.
 */
export const ReleaseSignatureSchema = z.strictObject({
  algorithm: z.literal('ed25519'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits'),
  /** Base64 of the 64-byte signature. */
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (64 bytes)'),
});
export type ReleaseSignature = z.infer<typeof ReleaseSignatureSchema>;

/**
 * One firmware release as `versions.json` lists it and the cloud and the edge pass it on. The
 * image lives at `firmware/v<version>/<board>.bin` (the seed's bucket layout) in the bucket (`objectKey`).
 */
export const FirmwareReleaseSchema = z.strictObject({
  board: FirmwareBoardSchema,
  version: FirmwareVersionSchema,
  size: z.number().int().min(1).max(FIRMWARE_IMAGE_MAX_BYTES),
  sha256: Sha256HexSchema,
  /** Nodes reporting a lower `hardwareRevision` in their hello must not take this image. */
  minHardwareRevision: z.number().int().min(0).max(255),
  channel: FirmwareChannelSchema,
  objectKey: z.string().regex(/^firmware\/v[0-9A-Za-z.-]{1,40}\/[a-z0-9-]{1,40}\.bin$/, 'must be "firmware/v<version>/<board>.bin"'),
  publishedAt: TimestampMsSchema,
  notes: z.string().max(2000).default(''),
  signature: ReleaseSignatureSchema,
});
export type FirmwareRelease = z.infer<typeof FirmwareReleaseSchema>;

/** `versions.json` at the root of the bucket's `firmware/` folder. */
export const FirmwareVersionsIndexSchema = z.strictObject({
  schemaVersion: z.literal(1),
  updatedAt: TimestampMsSchema,
  releases: z.array(FirmwareReleaseSchema).max(1000),
});
export type FirmwareVersionsIndex = z.infer<typeof FirmwareVersionsIndexSchema>;

/** Domain separation, so a release signature can never be replayed as any other signed message. */
const SIGNING_CONTEXT = 'tokkatot-firmware-release-v1\n';

/**
 * The exact bytes a release key signs: what the image is (board, version, size, hash) and which
 * hardware may run it. The channel is a rollout decision and not signed, so promoting a beta
 * release to stable needs no new signature; the hash binds the image itself.
 */
export function releaseSigningPayload(release: Pick<FirmwareRelease, 'board' | 'version' | 'size' | 'sha256' | 'minHardwareRevision'>): Uint8Array {
  const signed = {
    board: release.board,
    version: release.version,
    size: release.size,
    sha256: release.sha256,
    minHardwareRevision: release.minHardwareRevision,
  };
  return new TextEncoder().encode(SIGNING_CONTEXT + canonicalize(signed));
}

/** When a farm's nodes may be updated: a daily window on the farm's local clock. */
export const UpdateWindowSchema = z.strictObject({
  /** Start of the window, farm local time. The default 02:00–04:00 is when feeders never run. */
  start: TimeOfDaySchema,
  /** End of the window; an end before the start spans midnight. */
  end: TimeOfDaySchema,
});
export type UpdateWindow = z.infer<typeof UpdateWindowSchema>;

export const DEFAULT_UPDATE_WINDOW: UpdateWindow = { start: '02:00', end: '04:00' };

/**
 * The firmware a farm's nodes should run, written by the cloud only (pull-only collection
 * `firmware_targets`, one document per farm with `id` = the farm id). `release: null` means no
 * update is wanted. The edge downloads the image through a short-lived signed URL it asks the
 * cloud for, verifies it against this release and its trusted keys, and updates one node at a
 * time inside `window`.
 */
export const FirmwareTargetSchema = z.strictObject({
  ...DocumentMetaShape,
  channel: FirmwareChannelSchema,
  release: FirmwareReleaseSchema.nullable(),
  window: UpdateWindowSchema,
  /** Set by the owner or the platform to hold every update of this farm (e.g. during a heat wave). */
  paused: z.boolean(),
});
export type FirmwareTarget = z.infer<typeof FirmwareTargetSchema>;

/** A public release key a farm trusts: the raw 32-byte Ed25519 key in base64. */
export const ReleasePublicKeySchema = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key (32 bytes)');

/** The key id a signature names: first 16 hex digits of the SHA-256 of the raw public key. */
export function releaseKeyId(publicKeyBase64: string): string {
  return bytesToHex(sha256(base64ToBytes(ReleasePublicKeySchema.parse(publicKeyBase64)))).slice(0, 16);
}

export type ReleaseVerification = { ok: true; keyId: string } | { ok: false; reason: 'unknown_key' | 'bad_signature' };

/**
 * Checks a release's signature against the keys this side trusts. Pure (no node:crypto), so the
 * edge, the cloud, the publishing script and a browser agree byte for byte.
 */
export function verifyReleaseSignature(release: FirmwareRelease, trustedPublicKeys: readonly string[]): ReleaseVerification {
  const key = trustedPublicKeys.find((candidate) => releaseKeyId(candidate) === release.signature.keyId);
  if (!key) return { ok: false, reason: 'unknown_key' };
  try {
    const valid = ed25519.verify(base64ToBytes(release.signature.value), releaseSigningPayload(release), base64ToBytes(key));
    return valid ? { ok: true, keyId: release.signature.keyId } : { ok: false, reason: 'bad_signature' };
  } catch {
    return { ok: false, reason: 'bad_signature' };
  }
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
