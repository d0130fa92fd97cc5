import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/transaction.js';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';

let db: EmbeddedDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await openEmbeddedDatabase('memory://', { waitTimeoutMs: 1_000 });
  pool = db.pool;
  await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0); CREATE TABLE step (at serial PRIMARY KEY, tx int NOT NULL, what text NOT NULL)');
});

afterAll(async () => {
  await db?.close();
});

const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

describe('the embedded pool', () => {
  it('runs concurrent transactions one after another: no lost update, no interleaved statement', async () => {
    const count = 12;
    await Promise.all(
      Array.from({ length: count }, (_, tx) =>
        withTransaction(pool, async (client) => {
          await client.query("INSERT INTO step (tx, what) VALUES ($1, 'read')", [tx]);
          const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
          // Give every other transaction the chance to run a statement in between, if it could.
          await pause();
          await client.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
          await client.query("INSERT INTO step (tx, what) VALUES ($1, 'write')", [tx]);
        }),
      ),
    );
    expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(count);
    const steps = (await pool.query<{ tx: number; what: string }>('SELECT tx, what FROM step ORDER BY at')).rows;
    expect(steps).toHaveLength(2 * count);
    for (let i = 0; i < steps.length; i += 2) expect([steps[i], steps[i + 1]]).toEqual([{ tx: steps[i]!.tx, what: 'read' }, { tx: steps[i]!.tx, what: 'write' }]);
  });

  it('makes pool.query wait for a checked-out client, and counts connections like pg.Pool', async () => {
    const client = await pool.connect();
    const order: string[] = [];
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = -1');
    expect([pool.totalCount, pool.idleCount]).toEqual([1, 0]);
    const outside = pool.query<{ n: number }>('SELECT n FROM counter').then((result) => {
      order.push('outside');
      return result.rows[0]!.n;
    });
    await pause();
    expect(pool.waitingCount).toBe(1);
    order.push('rollback');
    await client.query('ROLLBACK');
    client.release();
    // The waiting query ran after the transaction ended, so it never saw the uncommitted -1.
    expect(await outside).toBe(12);
    expect(order).toEqual(['rollback', 'outside']);
    expect([pool.totalCount, pool.idleCount]).toEqual([1, 1]);
  });

  it('fails a query that waits for the session longer than the limit instead of hanging', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Querying through the pool while holding its only client cannot succeed: it must fail, not deadlock.
      await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout/i);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('starts the next client outside any transaction a broken client left open', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = 999');
    client.release(new Error('the caller gave up on this client'));
    expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(12);
    await pool.query('UPDATE counter SET n = 13');
    expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(13);
  });

  it('reports errors as pg does and stays usable', async () => {
    await expect(pool.query('SELECT nope')).rejects.toMatchObject({ code: '42703' });
    await expect(pool.query('INSERT INTO counter VALUES (1, 0)')).rejects.toMatchObject({ code: '23505' });
    const { rows } = await pool.query("SELECT 9007199254740993::bigint AS big, now() AS at, '{\"a\":1}'::jsonb AS doc, $1::text[] AS list", [['x', 'y']]);
    // The same types as the Postgres deployment: bigint as text, timestamps as Date, JSON parsed.
    expect(rows[0]).toEqual({ big: '9007199254740993', at: expect.any(Date), doc: { a: 1 }, list: ['x', 'y'] });
  });
});

describe('the embedded change notifier', () => {
  it('delivers a notification only once its transaction commits, and nothing after unlisten', async () => {
    const got: string[] = [];
    const unlisten = await db.notifier.listen('ops_test', (payload) => got.push(payload));
    await withTransaction(pool, async (client) => {
      await client.query("SELECT pg_notify('ops_test', 'committed')");
      await pause();
      expect(got).toEqual([]);
    });
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("SELECT pg_notify('ops_test', 'rolled back')");
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await pool.query("SELECT pg_notify('ops_test', 'plain')");
    await pause();
    expect(got).toEqual(['committed', 'plain']);
    await unlisten();
    await pool.query("SELECT pg_notify('ops_test', 'after')");
    await pause();
    expect(got).toEqual(['committed', 'plain']);
  });
});
