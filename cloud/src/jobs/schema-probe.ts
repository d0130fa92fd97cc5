import type pg from 'pg';

/** Whether a table exists: tables of other modules' migrations may be absent in older databases. */
export async function tableExists(pool: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]?.found === true;
}

/** The SQL type of a column (`bigint`, `timestamp with time zone` …), or undefined when absent. */
export async function columnType(pool: pg.Pool, table: string, column: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ data_type: string }>(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows[0]?.data_type;
}
