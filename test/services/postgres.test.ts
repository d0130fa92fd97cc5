import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/services.js';

let pool: pg.Pool | undefined;

/** The pool, created on first use so an unavailable server fails each test by name. */
async function database(): Promise<pg.Pool> {
  if (!pool) {
    pool = new pg.Pool({ connectionString: requireService('postgres'), max: 4 });
    await pool.query('create table if not exists harness_probe (id int primary key, note text not null)');
    await pool.query('truncate harness_probe');
  }
  return pool;
}

afterAll(async () => {
  await pool?.query('drop table if exists harness_probe');
  await pool?.end();
});

describe('PostgreSQL harness', () => {
  it('commits a transaction atomically and rolls back a failed one completely', async () => {
    const pool = await database();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into harness_probe values (1, $1), (2, $2)', ['one', 'two']);
      await client.query('commit');

      await client.query('begin');
      await client.query("insert into harness_probe values (3, 'three')");
      await expect(client.query("insert into harness_probe values (1, 'duplicate')")).rejects.toThrow(/duplicate key/);
      await client.query('rollback');
    } finally {
      client.release();
    }
    const { rows } = await pool.query('select id, note from harness_probe order by id');
    expect(rows).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: 'two' },
    ]);
  });

  it('is a real PostgreSQL 15 server', async () => {
    const pool = await database();
    const { rows } = await pool.query<{ server_version_num: string }>('show server_version_num');
    expect(Number(rows[0]!.server_version_num)).toBeGreaterThanOrEqual(150000);
    expect(Number(rows[0]!.server_version_num)).toBeLessThan(160000);
  });
});
