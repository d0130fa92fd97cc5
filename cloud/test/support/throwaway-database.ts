import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';

export interface ThrowawayDatabase {
  url: string;
  pool: pg.Pool;
  drop: () => Promise<void>;
}

/** Creates a uniquely named, migrated database on the server of `adminUrl` (tests, benchmarks); `drop()` removes it. */
export async function createThrowawayDatabase(adminUrl: string, poolSize = 12): Promise<ThrowawayDatabase> {
  const name = `cloud_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
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
