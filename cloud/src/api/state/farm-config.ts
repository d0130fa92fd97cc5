import type pg from 'pg';
import { ClimateRuleSchema, CoopSchema, FlockSchema, OutputSchema, SensorSchema, type ClimateRule, type Coop, type Flock, type Output, type Sensor } from '@tokkatot/shared';
import type { z } from 'zod';

/** The live configuration documents of one farm that the farm API reads. */
export interface FarmConfig {
  coops: Coop[];
  sensors: Sensor[];
  outputs: Output[];
  rules: ClimateRule[];
  flocks: Flock[];
}

const SCHEMAS = { coops: CoopSchema, sensors: SensorSchema, outputs: OutputSchema, rules: ClimateRuleSchema, flocks: FlockSchema } as const;

/**
 * Loads a farm's configuration from the replicated documents. Tombstones and documents that no
 * longer pass their schema (poison) are left out, as a pull would leave them out.
 */
export async function loadFarmConfig(db: pg.Pool | pg.PoolClient, farmId: string, coopId?: string): Promise<FarmConfig> {
  const { rows } = await db.query<{ collection: keyof typeof SCHEMAS; body: unknown }>(
    `SELECT collection, body FROM sync_doc
      WHERE farm_id = $1 AND collection = ANY($2::text[]) AND NOT deleted
        AND ($3::text IS NULL OR (collection = 'coops' AND id = $3) OR body->>'coopId' = $3)
      ORDER BY collection, id`,
    [farmId, Object.keys(SCHEMAS), coopId ?? null],
  );
  const config: FarmConfig = { coops: [], sensors: [], outputs: [], rules: [], flocks: [] };
  for (const row of rows) {
    const parsed = (SCHEMAS[row.collection] as z.ZodType).safeParse(row.body);
    if (parsed.success && (parsed.data as { farmId: string }).farmId === farmId) (config[row.collection] as unknown[]).push(parsed.data);
  }
  return config;
}
