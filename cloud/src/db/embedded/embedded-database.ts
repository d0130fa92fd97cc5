import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { ChangeNotifier } from '../change-notifier.js';
import { createEmbeddedPool, type EmbeddedPoolOptions } from './embedded-pool.js';
import { PgliteChangeNotifier } from './pglite-change-notifier.js';

/** The embedded database as main.ts uses it in place of a Postgres server. */
export interface EmbeddedDatabase {
  pool: pg.Pool;
  notifier: ChangeNotifier;
  /** Ends the pool and closes PGlite (an open PGlite keeps Node alive). */
  close(): Promise<void>;
}

/**
 * Opens (creating on first use) a PGlite database in `dataDir`, or in memory for
 * `memory://`. One process at a time: PGlite takes no lock on the folder.
 */
export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedPoolOptions = {}): Promise<EmbeddedDatabase> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create({ dataDir });
  const pool = createEmbeddedPool(db, options);
  const notifier = new PgliteChangeNotifier(db, pool);
  let closing: Promise<void> | undefined;
  return {
    pool,
    notifier,
    close: () =>
      (closing ??= (async () => {
        await notifier.close();
        await pool.end();
        await db.close();
      })()),
  };
}
