import type Database from 'better-sqlite3';
import type { Event } from '@tokkatot/shared';
import { hashDoc, stripDeleted, toWireDoc, type ConflictOutcome, type ForkStore, type PushRow, type SyncCheckpoint, type WireDoc } from '@tokkatot/sync';
import type { SqliteOutbox } from './sqlite-outbox.js';

interface DocRow {
  id: string;
  body: string;
  deleted: number;
}

/**
 * The edge's ForkStore over SQLite. Each method is one transaction: documents, assumed master
 * states, checkpoints and audit events (into the outbox) commit together.
 */
export class SqliteForkStore implements ForkStore {
  constructor(
    private readonly db: Database.Database,
    private readonly outbox: SqliteOutbox,
    private readonly now: () => number,
  ) {}

  /** A local edit by the edge app; the next push sends it. */
  writeLocal(collection: string, doc: Record<string, unknown> & { id: string }): void {
    this.db.transaction(() => this.putDoc(collection, toWireDoc(doc)))();
  }

  get(collection: string, id: string): WireDoc | undefined {
    const row = this.db.prepare('SELECT id, body, deleted FROM sync_doc WHERE collection = ? AND id = ?').get(collection, id) as DocRow | undefined;
    return row ? toDoc(row) : undefined;
  }

  /** Every document of a collection, tombstones included, by id. */
  list(collection: string): WireDoc[] {
    const rows = this.db.prepare('SELECT id, body, deleted FROM sync_doc WHERE collection = ? ORDER BY id').all(collection) as DocRow[];
    return rows.map(toDoc);
  }

  /** Documents with unpushed edits, for status. */
  countDirty(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM sync_doc d LEFT JOIN sync_assumed a ON a.collection = d.collection AND a.id = d.id
      WHERE a.hash IS NULL OR a.hash <> d.hash`).get() as { n: number }).n;
  }

  getCheckpoint(collection: string): SyncCheckpoint | undefined {
    const row = this.db.prepare('SELECT seq, doc_id FROM sync_checkpoint WHERE collection = ?').get(collection) as { seq: number; doc_id: string } | undefined;
    return row ? { seq: row.seq, id: row.doc_id } : undefined;
  }

  applyPull(collection: string, docs: readonly WireDoc[], checkpoint: SyncCheckpoint): void {
    this.db.transaction(() => {
      for (const raw of docs) {
        const doc = toWireDoc(raw);
        // An unpushed local edit stays; the conflict surfaces on the next push (RxDB's rule).
        if (this.isDirty(collection, doc.id)) continue;
        this.putDoc(collection, doc);
        this.putAssumed(collection, doc);
      }
      this.db
        .prepare('INSERT INTO sync_checkpoint (collection, seq, doc_id) VALUES (?, ?, ?) ON CONFLICT (collection) DO UPDATE SET seq = excluded.seq, doc_id = excluded.doc_id')
        .run(collection, checkpoint.seq, checkpoint.id);
    })();
  }

  listDirty(collection: string, limit: number): PushRow[] {
    const rows = this.db
      .prepare(
        `SELECT d.id, d.body, d.deleted, a.body AS a_body, a.deleted AS a_deleted
           FROM sync_doc d LEFT JOIN sync_assumed a ON a.collection = d.collection AND a.id = d.id
          WHERE d.collection = ? AND (a.hash IS NULL OR a.hash <> d.hash) ORDER BY d.id LIMIT ?`,
      )
      .all(collection, limit) as Array<DocRow & { a_body: string | null; a_deleted: number | null }>;
    return rows.map((row) => {
      const newDocumentState = toDoc(row);
      if (row.a_body === null) return { newDocumentState };
      return { newDocumentState, assumedMasterState: toDoc({ id: row.id, body: row.a_body, deleted: row.a_deleted ?? 0 }) };
    });
  }

  markPushed(collection: string, docs: readonly WireDoc[]): void {
    this.db.transaction(() => {
      for (const doc of docs) this.putAssumed(collection, toWireDoc(doc));
    })();
  }

  applyConflict(collection: string, master: WireDoc, resolve: (args: { base?: WireDoc; local: WireDoc }) => ConflictOutcome): void {
    this.db.transaction(() => {
      const local = this.get(collection, master.id) ?? toWireDoc(master);
      const base = this.getAssumed(collection, master.id);
      const outcome = resolve(base ? { base, local } : { local });
      this.putDoc(collection, toWireDoc(outcome.doc));
      this.putAssumed(collection, toWireDoc(master));
      if (outcome.audit) this.appendAudit(outcome.audit);
    })();
  }

  resetCollection(collection: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM sync_doc WHERE collection = ? AND id IN (
             SELECT d.id FROM sync_doc d JOIN sync_assumed a ON a.collection = d.collection AND a.id = d.id
              WHERE d.collection = ? AND a.hash = d.hash)`,
        )
        .run(collection, collection);
      this.db.prepare('DELETE FROM sync_assumed WHERE collection = ?').run(collection);
      this.db.prepare('DELETE FROM sync_checkpoint WHERE collection = ?').run(collection);
    })();
  }

  private appendAudit(event: Event): void {
    this.outbox.append('critical', event.ts, event);
  }

  private isDirty(collection: string, id: string): boolean {
    const row = this.db
      .prepare(`SELECT d.hash AS d, a.hash AS a FROM sync_doc d LEFT JOIN sync_assumed a ON a.collection = d.collection AND a.id = d.id WHERE d.collection = ? AND d.id = ?`)
      .get(collection, id) as { d: string; a: string | null } | undefined;
    return row !== undefined && row.d !== row.a;
  }

  private getAssumed(collection: string, id: string): WireDoc | undefined {
    const row = this.db.prepare('SELECT id, body, deleted FROM sync_assumed WHERE collection = ? AND id = ?').get(collection, id) as DocRow | undefined;
    return row ? toDoc(row) : undefined;
  }

  private putDoc(collection: string, doc: WireDoc): void {
    this.db
      .prepare(
        `INSERT INTO sync_doc (collection, id, body, hash, deleted, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body, hash = excluded.hash, deleted = excluded.deleted, updated_at = excluded.updated_at`,
      )
      .run(collection, doc.id, JSON.stringify(stripDeleted(doc)), hashDoc(doc), doc._deleted ? 1 : 0, this.now());
  }

  private putAssumed(collection: string, doc: WireDoc): void {
    this.db
      .prepare(
        `INSERT INTO sync_assumed (collection, id, body, hash, deleted) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body, hash = excluded.hash, deleted = excluded.deleted`,
      )
      .run(collection, doc.id, JSON.stringify(stripDeleted(doc)), hashDoc(doc), doc._deleted ? 1 : 0);
  }
}

function toDoc(row: DocRow): WireDoc {
  return { ...(JSON.parse(row.body) as Record<string, unknown>), id: row.id, _deleted: row.deleted === 1 };
}
