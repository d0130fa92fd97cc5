import type Database from 'better-sqlite3';

/** Small key/value state of the sync client (credential, edge id, last success). */
export class SyncStateStore {
  constructor(private readonly db: Database.Database) {}

  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
  }
}
