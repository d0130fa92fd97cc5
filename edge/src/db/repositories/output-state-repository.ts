import type { OutputReasonSource } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

/** The arbiter's decision for one output: state, level, which input won, the sentence why, since when. */
export interface OutputStateRecord {
  outputId: string;
  state: 'on' | 'off';
  level: number | null;
  source: OutputReasonSource;
  reason: string;
  since: number;
}

/** Last decided state per output, so the UI (and a restart) know what each output is doing and why. */
export class OutputStateRepository {
  constructor(private readonly db: SqliteDatabase) {}

  save(record: OutputStateRecord): void {
    prepareCached(this.db, 
        `INSERT INTO output_state (output_id, state, level, source, reason, since) VALUES (@outputId, @state, @level, @source, @reason, @since)
         ON CONFLICT(output_id) DO UPDATE SET state = excluded.state, level = excluded.level, source = excluded.source,
           reason = excluded.reason, since = excluded.since`,
      )
      .run(record);
  }

  get(outputId: string): OutputStateRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM output_state WHERE output_id = ?').get(outputId) as Record<string, unknown> | undefined;
    return row
      ? {
          outputId: row.output_id as string,
          state: row.state as OutputStateRecord['state'],
          level: row.level as number | null,
          source: row.source as OutputReasonSource,
          reason: row.reason as string,
          since: row.since as number,
        }
      : undefined;
  }

  all(): OutputStateRecord[] {
    return (prepareCached(this.db, 'SELECT output_id FROM output_state').all() as { output_id: string }[]).map((row) => this.get(row.output_id)!);
  }
}
