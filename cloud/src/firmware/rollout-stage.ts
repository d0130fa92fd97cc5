import { createHash } from 'node:crypto';

/**
 * The farm's place in a release's rollout, 0–99: the first four bytes of the SHA-256 of
 * `<farmId>:<version>` as an unsigned big-endian number, modulo 100. It depends on nothing but
 * the farm and the release, so every replica and every run agrees, and a farm in the stage at
 * some percentage is in it at every higher one. Hashing the version too spreads the early farms
 * differently for each release, so no farm is always the first to take a new image.
 */
export function rolloutBucket(farmId: string, version: string): number {
  return createHash('sha256').update(`${farmId}:${version}`).digest().readUInt32BE(0) % 100;
}

/** Whether the farm takes `version` when the rollout has reached `percent` (0–100). */
export function isInStage(farmId: string, version: string, percent: number): boolean {
  return rolloutBucket(farmId, version) < percent;
}
