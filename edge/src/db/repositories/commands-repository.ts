import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

export type CommandStatus = 'active' | 'released' | 'expired' | 'superseded';

/** A manual command: who asked for what, why, until when, and how it ended. */
export interface CommandRecord {
  id: string;
  outputId: string;
  userId: string;
  state: 'on' | 'off';
  level: number | null;
  reason: string;
  createdAt: number;
  expiresAt: number;
  status: CommandStatus;
  endedAt: number | null;
}

type Row = Record<string, unknown>;
const toCommand = (row: Row): CommandRecord => ({
  id: row.id as string,
  outputId: row.output_id as string,
  userId: row.user_id as string,
  state: row.state as CommandRecord['state'],
  level: row.level as number | null,
  reason: row.reason as string,
  createdAt: row.created_at as number,
  expiresAt: row.expires_at as number,
  status: row.status as CommandStatus,
  endedAt: row.ended_at as number | null,
});

/** Manual commands (the audit trail of manual control). */
export class CommandsRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(command: CommandRecord): void {
    prepareCached(this.db, 
        `INSERT INTO commands (id, output_id, user_id, state, level, reason, created_at, expires_at, status, ended_at)
         VALUES (@id, @outputId, @userId, @state, @level, @reason, @createdAt, @expiresAt, @status, @endedAt)`,
      )
      .run(command);
  }

  get(id: string): CommandRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM commands WHERE id = ?').get(id) as Row | undefined;
    return row ? toCommand(row) : undefined;
  }

  listActive(): CommandRecord[] {
    return (prepareCached(this.db, "SELECT * FROM commands WHERE status = 'active' ORDER BY created_at").all() as Row[]).map(toCommand);
  }

  activeFor(outputId: string): CommandRecord | undefined {
    const row = prepareCached(this.db, "SELECT * FROM commands WHERE status = 'active' AND output_id = ? ORDER BY created_at DESC LIMIT 1").get(outputId) as
      | Row
      | undefined;
    return row ? toCommand(row) : undefined;
  }

  listForOutput(outputId: string, limit: number): CommandRecord[] {
    return (prepareCached(this.db, 'SELECT * FROM commands WHERE output_id = ? ORDER BY created_at DESC LIMIT ?').all(outputId, limit) as Row[]).map(
      toCommand,
    );
  }

  end(id: string, status: Exclude<CommandStatus, 'active'>, at: number): boolean {
    return prepareCached(this.db, "UPDATE commands SET status = ?, ended_at = ? WHERE id = ? AND status = 'active'").run(status, at, id).changes === 1;
  }
}
