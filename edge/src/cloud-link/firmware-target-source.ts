import { FirmwareTargetSchema, type FirmwareTarget } from '@tokkatot/shared';
import type { SqliteForkStore } from '../db/sync/index.js';

/** The pull-only collection the cloud's rollouts write (one document per farm, id = the farm). */
export const FIRMWARE_TARGETS = 'firmware_targets';

/**
 * The farm's firmware target as last pulled, or undefined when there is none, it was deleted, or
 * it does not validate (a document this edge cannot read is no instruction to update anything).
 */
export function readFirmwareTarget(docs: SqliteForkStore, cloudFarmId: string, log?: (message: string, detail?: unknown) => void): FirmwareTarget | undefined {
  const doc = docs.get(FIRMWARE_TARGETS, cloudFarmId);
  if (!doc || doc._deleted) return undefined;
  // Only the contract's fields: wire bookkeeping the sync layer may add is not the target's concern.
  const body = Object.fromEntries(Object.keys(FirmwareTargetSchema.shape).filter((key) => key in doc).map((key) => [key, doc[key]]));
  const parsed = FirmwareTargetSchema.safeParse(body);
  if (!parsed.success) {
    log?.('firmware target ignored: it does not validate', { issues: parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
    return undefined;
  }
  return parsed.data;
}

/**
 * Asks the cloud for a short-lived signed URL of a release's image
 * (`POST /v1/sync/firmware/download-url`), with the edge's sync credential.
 */
export async function requestFirmwareDownloadUrl(baseUrl: string, token: string, body: { version: string; board: string }, timeoutMs = 30_000): Promise<unknown> {
  const response = await fetch(`${baseUrl}/v1/sync/firmware/download-url`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`download-url answered ${response.status}: ${(await response.text().catch(() => '')).slice(0, 300)}`);
  return response.json();
}
