import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, readMigrations, type MigrationReport } from './migrate.js';

/** The raw SQLite handle, for repositories (and the sync and automation stores) inside edge/src/db. */
export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Open read-only (for inspecting a backup); implies no migration. */
  readonly?: boolean;
  /** Busy timeout in ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * The edge database: one file, one writer connection, WAL with `synchronous=FULL` so that a
 * committed transaction survives a power cut, foreign keys enforced, incremental auto-vacuum so
 * thinning gives space back to the SD card.
 */
export class EdgeDatabase {
  readonly db: SqliteDatabase;
  readonly path: string;
  readonly migrations: MigrationReport | null;

  constructor(path: string, options: OpenOptions = {}) {
    this.path = path;
    const readonly = options.readonly ?? false;
    if (!readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    if (readonly && !existsSync(path)) throw new Error(`no database file at ${path}`);
    this.db = new Database(path, { readonly, fileMustExist: readonly });
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!readonly) {
      // auto_vacuum only takes effect on a database with no tables yet, so it is set before migrating.
      this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      // Bounded WAL: checkpoint every ~1000 pages, truncate back to 4 MiB after.
      this.db.pragma('wal_autocheckpoint = 1000');
      this.db.pragma('journal_size_limit = 4194304');
    }
    this.migrations = !readonly && (options.migrate ?? true) ? migrate(this.db, readMigrations()) : null;
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The schema version (highest applied migration). */
  schemaVersion(): number {
    try {
      return (this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    } catch {
      return 0;
    }
  }

  /** `PRAGMA integrity_check`: the list of problems, empty when the file is sound. */
  integrityProblems(): string[] {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
    const fk = this.db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) problems.push(`${fk.length} foreign key violation(s)`);
    return problems;
  }

  /** Bytes the database occupies on disk: main file plus WAL. */
  sizeOnDisk(): number {
    if (this.path === ':memory:') return this.pageBytes().total;
    return fileSize(this.path) + fileSize(`${this.path}-wal`);
  }

  /** Page accounting: total file pages and free pages, in bytes. */
  pageBytes(): { total: number; free: number } {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return { total: pages * pageSize, free: free * pageSize };
  }

  /** Gives free pages back to the file system and truncates the WAL. */
  compact(): void {
    this.db.pragma('incremental_vacuum');
    this.checkpoint();
  }

  /** Checkpoints the WAL into the main file and truncates it. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Online backup (SQLite backup API) to a new file; the edge keeps running meanwhile. */
  async backupTo(destination: string): Promise<void> {
    mkdirSync(dirname(destination), { recursive: true });
    await this.db.backup(destination);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating when needed) the edge database at path. */
export function openDatabase(path: string, options: OpenOptions = {}): EdgeDatabase {
  return new EdgeDatabase(path, options);
}

export interface DatabaseFileCheck {
  ok: boolean;
  problems: string[];
  schemaVersion: number;
}

/** Checks a database file (a backup before restoring): opens it read-only, runs integrity_check, reads its version. */
export function checkDatabaseFile(path: string): DatabaseFileCheck {
  let database: EdgeDatabase | undefined;
  try {
    database = new EdgeDatabase(path, { readonly: true });
    const problems = database.integrityProblems();
    const schemaVersion = database.schemaVersion();
    if (schemaVersion === 0) problems.push('the file has no schema_migrations table: it is not a Tokkatot edge database');
    const newest = readMigrations().at(-1)?.version ?? 0;
    if (schemaVersion > newest) problems.push(`the file is at schema version ${schemaVersion}, newer than this software (${newest})`);
    return { ok: problems.length === 0, problems, schemaVersion };
  } catch (error) {
    return { ok: false, problems: [(error as Error).message], schemaVersion: 0 };
  } finally {
    database?.close();
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
