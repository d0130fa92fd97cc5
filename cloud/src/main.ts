import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from './http/app.js';
import { migrate } from './db/migrate.js';
import type { ChangeNotifier } from './db/change-notifier.js';
import { openEmbeddedDatabase } from './db/embedded/embedded-database.js';
import { ConfigError, loadConfig, type CloudConfig } from './ops/config.js';
import { handleShutdownSignals } from './ops/graceful-shutdown.js';
import { loadOrCreateJwtSecret } from './ops/jwt-secret.js';
import { CloudMetrics, type CacheStats } from './ops/metrics.js';
import { MetricsServer } from './ops/metrics-server.js';
import { stopCloud } from './ops/stop-cloud.js';
import { startEmbeddedMaintenance } from './jobs/embedded-maintenance.js';
import { S3FirmwareStorage, storageSettingsFrom } from './firmware/index.js';
import { InfluxReadingSink } from './telemetry/influx-reading-sink.js';
import { MemoryReadingSink, type ReadingSink } from './telemetry/reading-sink.js';

// Kubernetes waits 30 s after SIGTERM before SIGKILL; finish (or give up) before that.
const SHUTDOWN_TIMEOUT_MS = 25_000;
// In-flight requests get this long to finish once the listener stops accepting.
const DRAIN_MS = 10_000;

/** The database: Postgres when DATABASE_URL is set, otherwise the embedded PGlite in DATA_DIR. */
async function openDatabase(config: CloudConfig): Promise<{ pool: pg.Pool; notifier?: ChangeNotifier; close: () => Promise<void>; embedded: boolean }> {
  if (config.DATABASE_URL) {
    const ssl = config.DATABASE_SSL_MODE === 'disable' ? undefined : { rejectUnauthorized: config.DATABASE_SSL_MODE === 'verify-full' };
    // A database that stops answering fails requests after 10 s instead of holding them forever.
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 10_000, ...(ssl ? { ssl } : {}) });
    // An idle client dropped by Postgres (restart, failover) must not crash the process; the pool reconnects.
    pool.on('error', (error) => process.stderr.write(`postgres idle client error: ${error.message}\n`));
    return { pool, close: () => pool.end(), embedded: false };
  }
  const embedded = await openEmbeddedDatabase(path.join(config.DATA_DIR, 'postgres'));
  return { pool: embedded.pool, notifier: embedded.notifier, close: embedded.close, embedded: true };
}

/** Composition root: configuration, dependencies, listen, and the graceful stop. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config);
  await migrate(database.pool);
  const jwtSecret = config.JWT_SECRET ?? (await loadOrCreateJwtSecret(config.DATA_DIR));
  // Auto-pipelining: every rate-limit count and cache read issued in one event-loop tick leaves in
  // one write, so under load the API makes a few Redis round trips per tick, not one per request.
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5_000, enableAutoPipelining: true }) : undefined;
  // ioredis reconnects by itself; an unhandled 'error' event would end the process instead.
  redis?.on('error', (error: Error) => process.stderr.write(`redis error: ${error.message}\n`));
  const readings: ReadingSink = config.INFLUXDB_URL
    ? new InfluxReadingSink({ url: config.INFLUXDB_URL, token: config.INFLUXDB_TOKEN, org: config.INFLUXDB_ORG, bucket: config.INFLUXDB_BUCKET })
    : new MemoryReadingSink();

  const storageSettings = storageSettingsFrom(config);
  const firmwareStorage = storageSettings ? new S3FirmwareStorage(storageSettings) : undefined;

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const metrics = new CloudMetrics({
    pool: database.pool,
    cacheStats: () => (app?.services as { cacheStats?: CacheStats } | undefined)?.cacheStats,
    now: Date.now,
  });
  metrics.collectProcessMetrics();
  const ownMetricsPort = config.METRICS_PORT !== undefined && config.METRICS_PORT !== config.PORT;
  app = await buildApp({
    pool: database.pool,
    notifier: database.notifier,
    redis,
    jwtSecret,
    readings,
    logger: { level: config.LOG_LEVEL },
    operations: { metrics, serveMetrics: !ownMetricsPort },
    firmware: { storage: firmwareStorage, trustedKeys: config.FIRMWARE_RELEASE_KEYS },
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY.split(',').map((entry) => entry.trim()).filter(Boolean) } : {}),
    ...(config.DASHBOARD_DIR ? { dashboard: { root: path.resolve(config.DASHBOARD_DIR) } } : {}),
  });
  const metricsServer = ownMetricsPort ? new MetricsServer(metrics) : undefined;
  const maintenance = database.embedded ? startEmbeddedMaintenance({ pool: database.pool, store: app.services.store, log: app.log, ...(firmwareStorage ? { firmware: { storage: firmwareStorage, trustedKeys: config.FIRMWARE_RELEASE_KEYS } } : {}) }) : undefined;

  const running = app;
  handleShutdownSignals({
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    log: (message) => running.log.info(message),
    exit: (code) => process.exit(code),
    stop: () =>
      stopCloud(running, DRAIN_MS, [
        () => maintenance?.stop(),
        () => metricsServer?.stop(),
        // Raw readings still buffered go out before the process ends.
        () => readings.close(),
        () => maintenance?.idle(),
        () => database.close(),
        () => redis?.quit().catch(() => redis.disconnect()),
        () => firmwareStorage?.close(),
      ]),
  });

  // A deep accept queue: a burst of new connections (a replica coming back) must not drop SYNs.
  const address = await app.listen({ host: config.HOST, port: config.PORT, backlog: 4096 });
  if (metricsServer) app.log.info(`metrics on ${await metricsServer.start(config.HOST, config.METRICS_PORT!)}/metrics`);
  if (!firmwareStorage && (config.STORAGE_ENDPOINT || config.STORAGE_BUCKET)) app.log.warn('firmware storage needs STORAGE_ENDPOINT, STORAGE_BUCKET, STORAGE_KEY and STORAGE_SECRET; firmware imports and downloads answer 503');
  if (database.embedded) app.log.info(`embedded database in ${path.join(config.DATA_DIR, 'postgres')} (set DATABASE_URL to use PostgreSQL)`);
  // The line tests and scripts read to find the port.
  process.stdout.write(`cloud listening on ${address}\n`);
}

main().catch((error: unknown) => {
  // A bad environment is the operator's to fix: say which variable, without a stack trace.
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
