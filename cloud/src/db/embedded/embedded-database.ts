import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { ChangeNotifier } from '../change-notifier.js';
import { lockDataDir } from './data-dir-lock.js';
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
 * `memory://`. One process at a time: a second one is refused while the first runs.
 */
export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedPoolOptions = {}): Promise<EmbeddedDatabase> {
  let unlock = async () => undefined as void;
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    unlock = await lockDataDir(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir });
  } catch (error) {
    await unlock();
    throw error;
  }
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
        await unlock();
      })()),
  };
}
