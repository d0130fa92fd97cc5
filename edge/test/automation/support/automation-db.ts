import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const MIGRATIONS = fileURLToPath(new URL('../../../src/db/migrations/', import.meta.url));

/** The automation's own migrations (200–299), in order. */
export function readAutomationMigrations(): string[] {
  return readdirSync(MIGRATIONS)
    .filter((f) => /^2\d\d-.*\.sql$/.test(f))
    .sort()
    .map((f) => readFileSync(join(MIGRATIONS, f), 'utf8'));
}

/** Opens a SQLite file the way the Pi does (WAL, synchronous=FULL) and applies the automation migrations. */
export function openAutomationDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const sql of readAutomationMigrations()) db.exec(sql);
  return db;
}

/** A fresh temp folder and its cleanup. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-automation-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
