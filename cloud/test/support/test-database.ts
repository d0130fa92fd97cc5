import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { services } from '../../../test/support/services.js';
import { migrate } from '../../src/db/migrate.js';

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
