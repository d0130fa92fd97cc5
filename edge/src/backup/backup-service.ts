import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TokkatotError } from '@tokkatot/shared';
import { checkDatabaseFile, type EdgeDatabase } from '../db/index.js';

export interface BackupInfo {
  file: string;
  bytes: number;
  schemaVersion: number;
  createdAt: number;
}

/** The folder backups go to by default. */
export function backupsDir(dataDir: string): string {
  return join(dataDir, 'backups');
}

function stampOf(ms: number): string {
  return new Date(ms).toISOString().replaceAll(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Online backup through SQLite's backup API (the edge keeps running and writing), then an
 * integrity check of the copy: a backup that does not pass is deleted and reported.
 */
export async function createBackup(database: EdgeDatabase, destination: string, now = Date.now()): Promise<BackupInfo> {
  const file = destination.endsWith('.db') ? destination : join(destination, `tokkatot-${stampOf(now)}.db`);
  if (existsSync(file)) throw new TokkatotError('CONFLICT', `${file} already exists.`);
  await database.backupTo(file);
  const check = checkDatabaseFile(file);
  if (!check.ok) {
    rmSync(file, { force: true });
    throw new Error(`the backup failed its integrity check: ${check.problems.join('; ')}`);
  }
  return { file, bytes: statSync(file).size, schemaVersion: check.schemaVersion, createdAt: now };
}

export function listBackups(dir: string): { file: string; bytes: number; modifiedAt: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.db'))
    .map((name) => {
      const stat = statSync(join(dir, name));
      return { file: join(dir, name), bytes: stat.size, modifiedAt: stat.mtimeMs };
    })
    .sort((a, b) => b.modifiedAt - a.modifiedAt);
}

export interface RestoreResult {
  restored: string;
  previous: string | null;
  schemaVersion: number;
}

/**
 * Replaces the database at databaseFile with a backup, with the edge stopped. The backup is
 * integrity-checked first; the current file (and its WAL) is kept beside it as
 * `*.before-restore-<time>`, so a restore can itself be undone.
 */
export function restoreBackup(backupFile: string, databaseFile: string, now = Date.now()): RestoreResult {
  if (!existsSync(backupFile)) throw new TokkatotError('NOT_FOUND', `No backup file at ${backupFile}.`);
  const check = checkDatabaseFile(backupFile);
  if (!check.ok) throw new TokkatotError('VALIDATION_FAILED', `${basename(backupFile)} is not a sound backup: ${check.problems.join('; ')}`, check.problems);
  let previous: string | null = null;
  if (existsSync(databaseFile)) {
    previous = `${databaseFile}.before-restore-${stampOf(now)}`;
    renameSync(databaseFile, previous);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(databaseFile + suffix)) renameSync(databaseFile + suffix, previous + suffix);
    }
  }
  mkdirSync(join(databaseFile, '..'), { recursive: true });
  const temporary = `${databaseFile}.restoring`;
  copyFileSync(backupFile, temporary);
  renameSync(temporary, databaseFile);
  return { restored: databaseFile, previous, schemaVersion: check.schemaVersion };
}
