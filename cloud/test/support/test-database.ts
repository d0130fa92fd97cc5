import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

/** What scripts/test-services.sh started (the same data as test/support/services.ts, which lies outside this project). */
export function services(): Record<string, string> {
  return inject('services');
}

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; pool: pg.Pool; drop: () => Promise<void> }> {
  const env = services();
  const adminUrl = env.PG_ADMIN_URL ?? env.DATABASE_URL;
  if (!adminUrl) throw new Error(`postgres is unavailable for this test: ${env.PG_ERROR ?? 'not started'}`);
  const name = `cloud_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 12 });
  // DROP DATABASE ... WITH (FORCE) ends idle connections on purpose; that is not a test failure.
  pool.on('error', () => undefined);
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
