import { ReleasePublicKeySchema } from '@tokkatot/shared';
import { ReleaseError } from './release-error.js';

/**
 * The release keys a publish accepts: every `--trusted-key`, plus FIRMWARE_RELEASE_KEYS
 * (comma-separated). Farms trust a list too, so a new key can be added before the old one retires.
 */
export function readTrustedKeys(flags: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const candidates = [...flags, ...(env.FIRMWARE_RELEASE_KEYS ?? '').split(',')].map((key) => key.trim()).filter((key) => key !== '');
  for (const key of candidates) {
    if (!ReleasePublicKeySchema.safeParse(key).success) throw new ReleaseError('usage', `trusted key ${JSON.stringify(key)} is not a base64 Ed25519 public key (32 bytes)`);
  }
  if (candidates.length === 0) throw new ReleaseError('usage', 'no trusted release key: pass --trusted-key <base64> or set FIRMWARE_RELEASE_KEYS');
  return [...new Set(candidates)];
}
