import type pg from 'pg';

/**
 * Deletes the rows of `table` matching `where` in batches of `batchSize`, each its own short
 * statement, so a large backlog never holds locks for long. `where` may use `$1`… from `params`;
 * the batch size is appended as the last parameter. Returns how many rows went.
 */
export async function deleteInBatches(pool: pg.Pool, table: string, where: string, params: readonly unknown[], batchSize: number): Promise<number> {
  const limit = `$${params.length + 1}`;
  // ctid = ANY(ARRAY(...)) is a TID scan; IN (SELECT ctid ...) could plan a join over the table.
  const sql = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${limit}))`;
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, [...params, batchSize]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return total;
  }
}
