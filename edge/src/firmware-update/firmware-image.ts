import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DeviceFirmwareVersionSchema, Sha256HexSchema } from '@tokkatot/shared';
import { z } from 'zod';

/** What a release says about its image; the edge checks the bytes against it before any node sees them. */
export const FirmwareManifestSchema = z.strictObject({
  version: DeviceFirmwareVersionSchema,
  size: z.number().int().min(1).max(0xffffffff),
  sha256: Sha256HexSchema,
});
export type FirmwareManifest = z.infer<typeof FirmwareManifestSchema>;

/** An image the edge has checked against its manifest. */
export interface FirmwareImage {
  manifest: FirmwareManifest;
  bytes: Uint8Array;
}

export class FirmwareImageError extends Error {
  constructor(
    readonly reason: 'size_mismatch' | 'hash_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'FirmwareImageError';
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Checks bytes against a manifest; throws FirmwareImageError naming what differs. */
export function checkFirmwareImage(manifest: FirmwareManifest, bytes: Uint8Array): FirmwareImage {
  const valid = FirmwareManifestSchema.parse(manifest);
  if (bytes.length !== valid.size) throw new FirmwareImageError('size_mismatch', `image of ${bytes.length} bytes, manifest says ${valid.size}`);
  const actual = sha256Hex(bytes);
  if (actual !== valid.sha256) throw new FirmwareImageError('hash_mismatch', `image hashes to ${actual}, manifest says ${valid.sha256}`);
  return { manifest: valid, bytes };
}

/** Reads an image file and checks it against its manifest (a JSON file or an object). */
export async function loadFirmwareImage(imagePath: string, manifest: FirmwareManifest | string): Promise<FirmwareImage> {
  const parsed = typeof manifest === 'string' ? FirmwareManifestSchema.parse(JSON.parse(await readFile(manifest, 'utf8'))) : manifest;
  return checkFirmwareImage(parsed, new Uint8Array(await readFile(imagePath)));
}
