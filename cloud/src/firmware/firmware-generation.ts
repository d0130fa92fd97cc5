import type { Queryable } from '../accounts/index.js';

/**
 * Marks a change that can move farms' targets (catalogue, rollout, farm settings). Call it in the
 * transaction of the change: a recomputation compares the generation before and after its write.
 */
export async function bumpFirmwareGeneration(db: Queryable): Promise<void> {
  await db.query('UPDATE firmware_generation SET generation = generation + 1');
}

/** The current generation (0 before any change). */
export async function readFirmwareGeneration(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ generation: string }>('SELECT generation FROM firmware_generation');
  return rows[0] ? Number(rows[0].generation) : 0;
}
