import Database from 'better-sqlite3';
import { migrate, readMigrations } from '../migrate.js';

/**
 * Opens a SQLite file for the sync client alone (the LAN-less sync peer used in tests and the
 * sync CLI), with the same durability settings as the edge database and only the 1NN (sync)
 * migrations applied. The edge app opens its one database through EdgeDatabase instead.
 */
export function openSyncDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db, readMigrations().filter((m) => m.version >= 100 && m.version < 200));
  return db;
}
