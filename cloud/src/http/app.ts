import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { TokkatotError } from '@tokkatot/shared';
import type pg from 'pg';
import { SYNC_COLLECTIONS, type CollectionSpec } from '@tokkatot/sync';
import { PgChangeNotifier, type ChangeNotifier } from '../db/change-notifier.js';
import { SyncDocStore } from '../db/sync-doc-store.js';
import { registerIngestRoutes } from '../sync/ingest-routes.js';
import { IngestService } from '../sync/ingest-service.js';
import { registerPairingRoutes } from '../pairing/pairing-routes.js';
import { registerCommandRoutes } from '../sync/command-routes.js';
import { StreamHub } from '../sync/stream-hub.js';
import { registerStreamRoute } from '../sync/stream-route.js';
import { registerSyncRoutes } from '../sync/sync-routes.js';
import type { ReadingSink } from '../telemetry/reading-sink.js';
import { createAccountServices, createFarmAccess, registerAccounts, StandingCache, type AccountServices } from '../accounts/index.js';
import { Authenticator } from './auth.js';
import type { FarmAccess } from './farm-access.js';
import { handleError } from './errors.js';
import { registerFarmApi, type FarmApiServices } from '../api/register-farm-api.js';
import { registerOperations, type OperationsOptions } from '../ops/operations-plugin.js';
import { registerDashboard, type DashboardOptions } from '../dashboard/dashboard-plugin.js';
import { registerFirmware, type FirmwareOptions } from '../firmware/index.js';

export interface AppDeps {
  pool: pg.Pool;
  /** Change announcements across instances; LISTEN/NOTIFY on `pool` unless given (embedded database). */
  notifier?: ChangeNotifier;
  /** Shared by every replica when REDIS_URL is set: rate-limit counters and the overview cache. */
  redis?: Redis;
  /** Secret for HS256 user access tokens. */
  jwtSecret: string;
  /** Where raw readings land (InfluxDB); rollups always go to Postgres. */
  readings: ReadingSink;
  now?: () => number;
  collections?: Readonly<Record<string, CollectionSpec>>;
  streamPageLimit?: number;
  heartbeatMs?: number;
  /** How often expired commands are tombstoned. */
  commandExpiryIntervalMs?: number;
  /** Fastify's logger: false (tests), true, or options such as `{ level: 'warn' }`. */
  logger?: boolean | { level: string };
  /** /health, /ready and /metrics settings (main.ts shares the metrics with its metrics port). */
  operations?: Omit<OperationsOptions, 'pool' | 'redis' | 'now'>;
  /** The owners' dashboard at `/`: served from cloud/dashboard/dist unless another root is given; false leaves it out. */
  dashboard?: DashboardOptions | false;
  /** Requests per minute per IP address across the API (docs/cloud/api.md): 1000 unless given. */
  rateLimitMax?: number;
  /**
   * Behind the ingress: the proxies (addresses or CIDRs, e.g. the cluster's pod network) whose
   * X-Forwarded-For is trusted, so per-IP limits and the audit log see the client, not the
   * proxy. Off by default: anyone can write that header.
   */
  trustProxy?: boolean | string | string[];
  /** How long the farms overview stays cached per farm, in ms (farm API; 0 turns it off). */
  overviewCacheMs?: number;
  /** How long a history answer stays cached in process, in ms (farm API; 0 turns it off). */
  historyCacheMs?: number;
  /** Firmware releases and rollouts: the bucket (absent: those routes answer 503) and the trusted release keys. */
  firmware?: FirmwareOptions;
  /** Told about every route as it is registered (tests that sweep all routes). */
  onRoute?: (route: RouteOptions) => void;
}

/** Services the app exposes to tests and to main.ts. */
export interface AppServices {
  store: SyncDocStore;
  hub: StreamHub;
  auth: Authenticator;
  ingest: IngestService;
  notifier: ChangeNotifier;
  /** The owners' API authorisation check (accounts module). */
  farmAccess: FarmAccess;
  /** Memberships kept in memory while change announcements flow (accounts module). */
  standings: StandingCache;
  /** Account sessions: access tokens on the app's clock. */
  accounts: AccountServices;
  /** Farm API: the browsers' live stream hub and the overview cache's hit/miss counts. */
  live?: FarmApiServices['live'];
  cacheStats?: FarmApiServices['cacheStats'];
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

/** The cloud sync app as one Fastify instance, separate from `listen` (main.ts listens). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, forceCloseConnections: true, trustProxy: deps.trustProxy ?? false });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  const now = deps.now ?? Date.now;
  const collections = deps.collections ?? SYNC_COLLECTIONS;
  const store = new SyncDocStore(deps.pool);
  const auth = new Authenticator(deps.pool, deps.jwtSecret, now);
  const authenticate = (header: string | undefined, farm?: string | string[]) => auth.authenticate(header, farm);
  const accounts = createAccountServices({ jwtSecret: deps.jwtSecret, now });
  const ownsNotifier = deps.notifier === undefined;
  const notifier = deps.notifier ?? new PgChangeNotifier(deps.pool, (error) => app.log.error({ err: error }, 'change notifier failed'));
  const standings = new StandingCache({ pool: deps.pool, notifier });
  const farmAccess = createFarmAccess({ pool: deps.pool, jwtSecret: deps.jwtSecret, now, standings });
  const hub = new StreamHub({
    notifier,
    store,
    collections,
    pageLimit: deps.streamPageLimit ?? 100,
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    onError: (error) => app.log.error({ err: error }, 'stream hub failed'),
  });
  const ingest = new IngestService(deps.pool, deps.readings, now);
  app.decorate('services', { store, hub, auth, ingest, notifier, farmAccess, standings, accounts });
  app.setErrorHandler(handleError);
  // 1000 requests/min per IP on every route (counted in Redis when given, so it holds across
  // replicas); routes with their own, tighter limit (sign-in, registration, pairing) use only that.
  await app.register(rateLimit, {
    global: true,
    max: deps.rateLimitMax ?? 1000,
    timeWindow: 60_000,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'tokkatot-rl-', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => Object.assign(new TokkatotError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`), { statusCode: 429 }),
  });

  let expiryTimer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await standings.start();
    await hub.start();
    expiryTimer = setInterval(() => {
      store.expireCommands(now()).catch((error: unknown) => app.log.error({ err: error }, 'command expiry failed'));
    }, deps.commandExpiryIntervalMs ?? 5_000);
  });
  app.addHook('preClose', async () => {
    clearInterval(expiryTimer);
    hub.dropAll();
  });
  app.addHook('onClose', async () => {
    await standings.stop();
    await hub.stop();
    if (ownsNotifier) await notifier.close();
  });

  await registerSyncRoutes(app, { store, collections, authenticate, now });
  await registerStreamRoute(app, { hub, authenticate });
  await registerIngestRoutes(app, { ingest, authenticate });
  await registerCommandRoutes(app, { store, pool: deps.pool, authenticate, now });
  await registerPairingRoutes(app, { pool: deps.pool, authenticate, now });
  // Modules of docs/cloud/api.md register below, one line each: accounts, farm API, operations, dashboard.
  await registerOperations(app, { pool: deps.pool, redis: deps.redis, now, ...deps.operations });
  await registerAccounts(app, { pool: deps.pool, farmAccess, accounts, now });
  Object.assign(app.services, await registerFarmApi(app, { pool: deps.pool, store, notifier, farmAccess, collections, now, redis: deps.redis, overviewCacheMs: deps.overviewCacheMs, historyCacheMs: deps.historyCacheMs, heartbeatMs: deps.heartbeatMs }));
  await registerFirmware(app, { pool: deps.pool, store, farmAccess, authenticate, now, ...deps.firmware });
  if (deps.dashboard !== false) await registerDashboard(app, deps.dashboard ?? {});
  return app;
}
