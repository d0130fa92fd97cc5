import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { IdSchema, TokkatotError, type Role } from '@tokkatot/shared';
import type { CollectionSpec } from '@tokkatot/sync';
import type { SyncDocStore } from '../../db/sync-doc-store.js';
import type { FarmAccess, FarmActor } from '../../http/farm-access.js';
import { parseInput } from '../../sync/sync-routes.js';
import type { HistoryCache } from '../history-cache.js';
import type { OverviewCache } from '../overview-cache.js';
import { loadFarmStatuses, type FarmStatus } from '../state/farm-status.js';

/** What every farm API route gets. */
export interface FarmApiContext {
  pool: pg.Pool;
  store: SyncDocStore;
  farmAccess: FarmAccess;
  collections: Readonly<Record<string, CollectionSpec>>;
  cache: OverviewCache;
  history: HistoryCache;
  now: () => number;
}

export { parseInput };

const FarmParamsSchema = z.looseObject({ farmId: IdSchema });

/**
 * The first thing every farm route does: the caller's role on the farm in the path (NOT_FOUND
 * for a farm they are not a member of), then the farm's status for routes that need it.
 */
export async function authorizeFarm(ctx: FarmApiContext, request: FastifyRequest, minimum: Role): Promise<FarmActor & { farmId: string }> {
  const raw = (request.params as Record<string, unknown>).farmId;
  // An id that cannot exist is answered like a farm the caller is not a member of.
  if (!IdSchema.safeParse(raw).success) {
    await ctx.farmAccess.account(request);
    throw new TokkatotError('NOT_FOUND', 'No such farm.');
  }
  const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
  const actor = await ctx.farmAccess.authorize(request, farmId, minimum);
  return { ...actor, farmId };
}

/** The farm's status (name, zone, presence); NOT_FOUND when the row is gone. */
export async function farmStatus(ctx: FarmApiContext, farmId: string): Promise<FarmStatus> {
  const status = (await loadFarmStatuses(ctx.pool, [farmId], ctx.now())).get(farmId);
  if (!status) throw new TokkatotError('NOT_FOUND', 'No such farm.');
  return status;
}
