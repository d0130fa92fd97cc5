import pg from 'pg';
import { buildApp } from './http/app.js';
import { migrate } from './db/migrate.js';
import { InfluxReadingSink } from './telemetry/influx-reading-sink.js';
import { MemoryReadingSink, type ReadingSink } from './telemetry/reading-sink.js';

/** Composition root: reads the environment, migrates, listens. Nothing else lives here. */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const jwtSecret = process.env.JWT_SECRET;
  if (!databaseUrl || !jwtSecret) throw new Error('DATABASE_URL and JWT_SECRET must be set');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.PG_POOL_SIZE ?? 10) });
  // An idle client dropped by Postgres (restart, failover) must not crash the process; the pool reconnects.
  pool.on('error', (error) => process.stderr.write(`postgres idle client error: ${error.message}\n`));
  await migrate(pool);
  const readings: ReadingSink = process.env.INFLUX_URL
    ? new InfluxReadingSink({
        url: process.env.INFLUX_URL,
        token: process.env.INFLUX_TOKEN ?? '',
        org: process.env.INFLUX_ORG ?? 'tokkatot',
        bucket: process.env.INFLUX_BUCKET ?? 'telemetry',
      })
    : new MemoryReadingSink();
  const app = await buildApp({ pool, jwtSecret, readings, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  const address = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8080) });
  // The line tests and scripts read to find the port.
  process.stdout.write(`cloud listening on ${address}\n`);
  const shutdown = async () => {
    await app.close();
    await readings.close();
    await pool.end();
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
