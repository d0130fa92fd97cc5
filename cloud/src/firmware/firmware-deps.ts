import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { TokkatotError } from '@tokkatot/shared';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import type { Authenticate } from '../http/auth.js';
import type { FarmAccess } from '../http/farm-access.js';
import type { FirmwareStorage } from './firmware-storage.js';

/** The firmware settings of the app (AppDeps.firmware): the bucket, when configured, and the trusted keys. */
export interface FirmwareOptions {
  storage?: FirmwareStorage;
  /** Base64 Ed25519 public keys whose release signatures are accepted (FIRMWARE_RELEASE_KEYS). */
  trustedKeys?: readonly string[];
}

/** What the firmware routes get. */
export interface FirmwareDeps extends FirmwareOptions {
  pool: pg.Pool;
  store: SyncDocStore;
  farmAccess: FarmAccess;
  /** The sync endpoints' credential check (the edge's download request). */
  authenticate: Authenticate;
  now: () => number;
}

/** The bucket, or 503 STORAGE_NOT_CONFIGURED: the rest of the cloud runs without one. */
export function requireStorage(deps: FirmwareDeps): FirmwareStorage {
  if (!deps.storage) throw new TokkatotError('STORAGE_NOT_CONFIGURED', 'Firmware storage is not configured on this cloud (STORAGE_ENDPOINT, STORAGE_BUCKET, STORAGE_KEY, STORAGE_SECRET).');
  return deps.storage;
}

/** The caller, who must be a platform administrator. */
export async function requireAdmin(deps: FirmwareDeps, request: FastifyRequest): Promise<string> {
  const { userId, admin } = await deps.farmAccess.account(request);
  if (!admin) throw new TokkatotError('FORBIDDEN', 'Only platform administrators manage firmware releases and rollouts.');
  return userId;
}
