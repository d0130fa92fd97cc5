import type Database from 'better-sqlite3';

/** What happened to a cloud command on this edge. */
export type CommandOutcome = 'executed' | 'expired' | 'rejected' | 'failed';

/** Records each command id once; `decide` runs its work only for an id never decided before. */
export class CommandLedger {
  constructor(private readonly db: Database.Database) {}

  /** Every decision, oldest first (status, tests). */
  list(): Array<{ id: string; outcome: CommandOutcome; detail: string; decidedAt: number }> {
    return (this.db.prepare('SELECT id, outcome, detail, decided_at FROM sync_command_ledger ORDER BY decided_at, id').all() as Array<{ id: string; outcome: CommandOutcome; detail: string; decided_at: number }>).map(
      (row) => ({ id: row.id, outcome: row.outcome, detail: row.detail, decidedAt: row.decided_at }),
    );
  }

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM sync_command_ledger WHERE id = ?').get(id) !== undefined;
  }

  /**
   * In one transaction: claims the id, runs `work` (which may write its own state change through
   * the same database) and stores the outcome. Returns undefined when the id was already decided.
   */
  decide(id: string, at: number, work: () => { outcome: CommandOutcome; detail: string }): { outcome: CommandOutcome; detail: string } | undefined {
    return this.db.transaction(() => {
      const claimed = this.db.prepare("INSERT INTO sync_command_ledger (id, outcome, detail, decided_at) VALUES (?, 'failed', '', ?) ON CONFLICT (id) DO NOTHING").run(id, at);
      if (claimed.changes === 0) return undefined;
      const result = work();
      this.db.prepare('UPDATE sync_command_ledger SET outcome = ?, detail = ? WHERE id = ?').run(result.outcome, result.detail.slice(0, 500), id);
      return result;
    })();
  }
}
