import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readMigrations, migrate, MIGRATIONS_DIR } from '../../src/db/index.js';
import { tempDir } from '../helpers.js';

describe('migrate', () => {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const temp = () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir.dir;
  };

  it('applies every migration file of the folder in numeric order and records each once', () => {
    const database = openDatabase(join(temp(), 'a.db'));
    const versions = readMigrations().map((migration) => migration.version);
    const recorded = (database.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((row) => row.version);
    expect(recorded).toEqual(versions);
    expect(versions[0]).toBe(1);
    expect(database.migrations?.applied).toEqual(versions);
    database.close();
    const again = openDatabase(database.path);
    expect(again.migrations?.applied).toEqual([]);
    again.close();
  });

  it('opens with WAL, synchronous FULL, foreign keys and a busy timeout', () => {
    const database = openDatabase(join(temp(), 'b.db'));
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(database.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(database.db.pragma('auto_vacuum', { simple: true })).toBe(2);
    database.close();
  });

  it('runs a failing migration in a transaction, leaving the schema at the previous version', () => {
    const folder = join(temp(), 'migrations');
    mkdirSync(folder);
    writeFileSync(join(folder, '001-one.sql'), 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    writeFileSync(join(folder, '002-two.sql'), 'CREATE TABLE two (id INTEGER PRIMARY KEY); INSERT INTO missing VALUES (1);');
    const database = openDatabase(join(temp(), 'c.db'), { migrate: false });
    expect(() => migrate(database.db, readMigrations(folder))).toThrow(/missing/);
    expect(database.schemaVersion()).toBe(1);
    expect(database.db.prepare("SELECT name FROM sqlite_master WHERE name = 'two'").get()).toBeUndefined();
    database.close();
  });

  it('refuses a migration whose text changed after it was applied, and badly named files', () => {
    const folder = join(temp(), 'migrations');
    mkdirSync(folder);
    writeFileSync(join(folder, '001-one.sql'), 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    const database = openDatabase(join(temp(), 'd.db'), { migrate: false });
    migrate(database.db, readMigrations(folder));
    writeFileSync(join(folder, '001-one.sql'), 'CREATE TABLE one (id INTEGER PRIMARY KEY, x TEXT);');
    expect(() => migrate(database.db, readMigrations(folder))).toThrow(/changed after it was applied/);
    writeFileSync(join(folder, 'two.sql'), 'SELECT 1;');
    expect(() => readMigrations(folder)).toThrow(/NNN-name\.sql/);
    database.close();
  });

  it('keeps the event log append-only', () => {
    const database = openDatabase(join(temp(), 'e.db'));
    database.db.prepare("INSERT INTO events (id, ts, type, body_json) VALUES ('01J00000000000000000000000', 1, 'user_action', '{}')").run();
    expect(() => database.db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect(() => database.db.prepare("UPDATE events SET type = 'x'").run()).toThrow(/append-only/);
    database.close();
  });

  it('ships its migrations in the folder the other engineers add to', () => {
    expect(MIGRATIONS_DIR.replaceAll('\\', '/')).toMatch(/edge\/src\/db\/migrations\/$/);
  });
});
