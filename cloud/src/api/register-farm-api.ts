import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { CollectionSpec } from '@tokkatot/sync';
import type { ChangeNotifier } from '../db/change-notifier.js';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import type { FarmAccess } from '../http/farm-access.js';
import { LiveHub } from './live/live-hub.js';
import { registerLiveRoute } from './live/live-route.js';
import { HistoryCache } from './history-cache.js';
import { OverviewCache, type CacheStats } from './overview-cache.js';
import { registerPresenceHook } from './presence-hook.js';
import { registerAlarmCommandRoutes } from './routes/alarm-command-routes.js';
import { registerConfigRoutes } from './routes/config-routes.js';
import type { FarmApiContext } from './routes/context.js';
import { registerFarmRoutes } from './routes/farm-routes.js';
import { registerNotificationReportRoutes } from './routes/notification-report-routes.js';
import { listAlarms } from './state/alarm-views.js';
import { loadCoopStates } from './state/coop-state.js';
import { loadFarmStatuses } from './state/farm-status.js';

export interface FarmApiDeps {
  pool: pg.Pool;
  store: SyncDocStore;
  notifier: ChangeNotifier;
  farmAccess: FarmAccess;
  collections: Readonly<Record<string, CollectionSpec>>;
  now: () => number;
  redis?: Redis;
  /** How long a farm's overview entry stays cached (0 turns the cache off). */
  overviewCacheMs?: number;
  /** How long a history answer stays cached in process (0 turns the cache off). */
  historyCacheMs?: number;
  /** Interval of the live stream's heartbeat comment. */
  heartbeatMs?: number;
}

/** What the farm API exposes on `app.services`. */
export interface FarmApiServices {
  live: LiveHub;
  cacheStats: CacheStats;
}

/** The farm API module (docs/cloud/farm-api.md): routes, the browser live stream and edge presence. */
export async function registerFarmApi(app: FastifyInstance, deps: FarmApiDeps): Promise<FarmApiServices> {
  const cache = new OverviewCache({ ttlMs: deps.overviewCacheMs ?? 3000, redis: deps.redis, onError: (error) => app.log.warn({ err: error }, 'overview cache unavailable') });
  const history = new HistoryCache({ ttlMs: deps.historyCacheMs ?? 3000 });
  const ctx: FarmApiContext = { pool: deps.pool, store: deps.store, farmAccess: deps.farmAccess, collections: deps.collections, cache, history, now: deps.now };
  const live = new LiveHub({
    notifier: deps.notifier,
    loadCoops: async (farmId) => {
      const status = (await loadFarmStatuses(deps.pool, [farmId], deps.now())).get(farmId);
      return status ? loadCoopStates(deps.pool, farmId, { now: deps.now(), timeZone: status.timeZone }) : [];
    },
    loadAlarms: (farmId, ids) => listAlarms(deps.pool, farmId, { openOnly: false, ids }),
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    onError: (error) => app.log.error({ err: error }, 'live stream refresh failed'),
  });
  app.addHook('onReady', async () => live.start());
  // Streams end before the server waits for open connections to drain.
  app.addHook('preClose', async () => live.dropAll());
  app.addHook('onClose', async () => live.stop());

  registerPresenceHook(app, { pool: deps.pool, now: deps.now });
  await registerFarmRoutes(app, ctx);
  await registerAlarmCommandRoutes(app, ctx);
  await registerConfigRoutes(app, ctx);
  await registerNotificationReportRoutes(app, ctx);
  await registerLiveRoute(app, ctx, live);
  return { live, cacheStats: cache.stats };
}
