import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

/** What scripts/test-services.sh started (as test/support/services.ts, which lies outside this project). */
function services(): Record<string, string> {
  return inject('services');
}

// The edge never imports cloud code; the real cloud runs as its own process, as in production.
const CLOUD_MAIN = fileURLToPath(new URL('../../../../cloud/src/main.ts', import.meta.url));
const JWT_SECRET = 'edge-cloud-link-test-secret-0123456789';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real cloud over a fresh Postgres database, in a child process; `close()` removes both. */
export interface CloudChild {
  url: string;
  pool: pg.Pool;
  /** A farm in the cloud and its owner's bearer token (an owner is also farm staff). */
  createFarm(farmId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCloudChild(): Promise<CloudChild> {
  const env = services();
  const adminUrl = env.PG_ADMIN_URL ?? env.DATABASE_URL;
  if (!adminUrl) throw new Error(`postgres is unavailable for this test: ${env.PG_ERROR ?? 'not started'}`);
  const name = `edge_link_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  const port = await freePort();
  // Without REDIS_URL the child counts its requests in memory: with the test services' Redis, every
  // cloud child of every concurrent test run would share one per-IP budget (127.0.0.1) and throttle
  // the others' sync loops.
  const { REDIS_URL: _sharedLimiter, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLOUD_MAIN], {
    env: { ...inherited, DATABASE_URL: dbUrl.toString(), JWT_SECRET, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('cloud listening on')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`cloud exited with ${code}: ${out.slice(-500)}`)));
  });
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 3 });
  pool.on('error', () => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    pool,
    async createFarm(farmId) {
      await pool.query('INSERT INTO farm (id, name) VALUES ($1, $2)', [farmId, `Farm ${farmId}`]);
      await pool.query('INSERT INTO farm_clock (farm_id) VALUES ($1) ON CONFLICT DO NOTHING', [farmId]);
      return jwt.sign({ sub: `owner-${farmId}`, farmId, role: 'owner' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 3600 });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await pool.end();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
