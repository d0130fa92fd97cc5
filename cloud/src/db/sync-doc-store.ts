import type pg from 'pg';
import { hashDoc, stripDeleted, type SyncCheckpoint, type WireDoc } from '@tokkatot/sync';
import { withTransaction } from './transaction.js';

/** One stored document with its server-owned order key. */
export interface StoredDoc {
  doc: WireDoc;
  seq: number;
}

/** The channel on which committed writes are announced: payload `{farmId, collection, seq}`. */
export const SYNC_NOTIFY_CHANNEL = 'tokkatot_sync';

/** A decision about pushed documents, made while their rows are locked. */
export interface PushPlan<T> {
  writes: WireDoc[];
  result: T;
}

interface DocRow {
  id: string;
  body: Record<string, unknown>;
  deleted: boolean;
  seq: string;
}

/** Postgres persistence of replicated documents: order keys, tombstones, horizon, rejections. */
export class SyncDocStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Creates the farm and its clock if missing. */
  async ensureFarm(farmId: string, name: string): Promise<void> {
    await this.pool.query('INSERT INTO farm (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [farmId, name]);
    await this.pool.query('INSERT INTO farm_clock (farm_id) VALUES ($1) ON CONFLICT (farm_id) DO NOTHING', [farmId]);
  }

  /** Rows strictly after the checkpoint in (seq, id) order. */
  async readPage(farmId: string, collection: string, after: SyncCheckpoint | undefined, limit: number): Promise<StoredDoc[]> {
    const { rows } = await this.pool.query<DocRow>(
      `SELECT id, body, deleted, seq FROM sync_doc
        WHERE farm_id = $1 AND collection = $2 AND (seq, id) > ($3::bigint, $4::text COLLATE "C")
        ORDER BY seq, id LIMIT $5`,
      [farmId, collection, after?.seq ?? 0, after?.id ?? '', limit],
    );
    return rows.map(toStored);
  }

  /** The sequence through which tombstones were purged (0 = never). */
  async purgedThrough(farmId: string, collection: string): Promise<number> {
    const { rows } = await this.pool.query<{ purged_through_seq: string }>(
      'SELECT purged_through_seq FROM sync_horizon WHERE farm_id = $1 AND collection = $2',
      [farmId, collection],
    );
    return rows[0] ? Number(rows[0].purged_through_seq) : 0;
  }

  /** The farm's latest committed sequence. */
  async currentSeq(farmId: string): Promise<number> {
    const { rows } = await this.pool.query<{ seq: string }>('SELECT seq FROM farm_clock WHERE farm_id = $1', [farmId]);
    return rows[0] ? Number(rows[0].seq) : 0;
  }

  /**
   * Locks the farm clock and the documents' rows, lets `plan` decide against the stored states,
   * writes the accepted documents under one new sequence and announces the commit.
   */
  async push<T>(
    farmId: string,
    collection: string,
    ids: readonly string[],
    updatedBy: string,
    plan: (stored: Map<string, WireDoc>) => PushPlan<T>,
  ): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      const seq = await nextSeq(client, farmId);
      const { rows } = await client.query<DocRow>(
        `SELECT id, body, deleted, seq FROM sync_doc WHERE farm_id = $1 AND collection = $2 AND id = ANY($3::text[])
          ORDER BY id FOR UPDATE`,
        [farmId, collection, [...ids]],
      );
      const stored = new Map(rows.map((row) => [row.id, toStored(row).doc]));
      const { writes, result } = plan(stored);
      if (writes.length === 0) {
        // Nothing accepted: give the sequence back rather than leave an empty step.
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        return result;
      }
      await writeDocs(client, farmId, collection, writes, seq, updatedBy);
      return result;
    });
  }

  /** Writes documents on the master's own authority (the cloud app, command expiry). */
  async writeServerDocs(farmId: string, collection: string, docs: readonly WireDoc[], updatedBy: string): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const seq = await nextSeq(client, farmId);
      await writeDocs(client, farmId, collection, docs, seq, updatedBy);
      return seq;
    });
  }

  /** One stored document, tombstone or not. */
  async readById(farmId: string, collection: string, id: string): Promise<WireDoc | undefined> {
    const { rows } = await this.pool.query<DocRow>(
      'SELECT id, body, deleted, seq FROM sync_doc WHERE farm_id = $1 AND collection = $2 AND id = $3',
      [farmId, collection, id],
    );
    return rows[0] ? toStored(rows[0]).doc : undefined;
  }

  /** Every document of a collection with its order key (tests, admin). */
  async listAll(farmId: string, collection: string): Promise<StoredDoc[]> {
    return this.readPage(farmId, collection, undefined, 1_000_000);
  }

  /** Tombstones rows whose body says they expire at or before `nowMs`; returns how many. */
  async expireCommands(nowMs: number): Promise<number> {
    const { rows } = await this.pool.query<{ farm_id: string; id: string; body: Record<string, unknown> }>(
      `SELECT farm_id, id, body FROM sync_doc
        WHERE collection = 'commands' AND NOT deleted AND (body->>'expiresAt')::bigint <= $1`,
      [nowMs],
    );
    const byFarm = new Map<string, WireDoc[]>();
    for (const row of rows) {
      const list = byFarm.get(row.farm_id) ?? [];
      list.push({ ...row.body, id: row.id, _deleted: true });
      byFarm.set(row.farm_id, list);
    }
    for (const [farmId, docs] of byFarm) await this.writeServerDocs(farmId, 'commands', docs, 'expiry');
    return rows.length;
  }

  /** Deletes tombstones written before `before` and raises the horizon past them. */
  async purgeTombstones(farmId: string, collection: string, before: Date): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ seq: string }>(
        `DELETE FROM sync_doc WHERE farm_id = $1 AND collection = $2 AND deleted AND server_time < $3 RETURNING seq`,
        [farmId, collection, before],
      );
      if (rows.length === 0) return 0;
      const through = Math.max(...rows.map((row) => Number(row.seq)));
      await client.query(
        `INSERT INTO sync_horizon (farm_id, collection, purged_through_seq) VALUES ($1, $2, $3)
          ON CONFLICT (farm_id, collection) DO UPDATE SET purged_through_seq = GREATEST(sync_horizon.purged_through_seq, excluded.purged_through_seq)`,
        [farmId, collection, through],
      );
      return rows.length;
    });
  }

  /** Records a refused push or a poison document met on pull. */
  async recordRejection(farmId: string, collection: string, docId: string, direction: 'push' | 'pull', reason: string): Promise<void> {
    await this.pool.query('INSERT INTO sync_rejection (farm_id, collection, doc_id, direction, reason) VALUES ($1, $2, $3, $4, $5)', [
      farmId,
      collection,
      docId,
      direction,
      reason.slice(0, 2000),
    ]);
  }
}

async function nextSeq(client: pg.PoolClient, farmId: string): Promise<number> {
  const { rows } = await client.query<{ seq: string }>('UPDATE farm_clock SET seq = seq + 1 WHERE farm_id = $1 RETURNING seq', [farmId]);
  if (!rows[0]) throw new Error(`farm ${farmId} has no clock`);
  return Number(rows[0].seq);
}

async function writeDocs(client: pg.PoolClient, farmId: string, collection: string, docs: readonly WireDoc[], seq: number, updatedBy: string): Promise<void> {
  await client.query(
    `INSERT INTO sync_doc (farm_id, collection, id, body, body_hash, deleted, seq, updated_by, server_time)
       SELECT $1, $2, d.id, d.body, d.hash, d.deleted, $3, $4, now()
         FROM unnest($5::text[], $6::jsonb[], $7::text[], $8::boolean[]) AS d(id, body, hash, deleted)
     ON CONFLICT (farm_id, collection, id) DO UPDATE
       SET body = excluded.body, body_hash = excluded.body_hash, deleted = excluded.deleted, seq = excluded.seq,
           updated_by = excluded.updated_by, server_time = excluded.server_time`,
    [
      farmId,
      collection,
      seq,
      updatedBy,
      docs.map((doc) => doc.id),
      docs.map((doc) => JSON.stringify(stripDeleted(doc))),
      docs.map((doc) => hashDoc(doc)),
      docs.map((doc) => doc._deleted === true),
    ],
  );
  await client.query('SELECT pg_notify($1, $2)', [SYNC_NOTIFY_CHANNEL, JSON.stringify({ farmId, collection, seq })]);
}

function toStored(row: DocRow): StoredDoc {
  return { doc: { ...row.body, id: row.id, _deleted: row.deleted }, seq: Number(row.seq) };
}
