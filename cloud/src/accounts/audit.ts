import type { Queryable } from './farm-role.js';

/** One line of the audit trail. `farmId` is absent for account events such as sign-ins. */
export interface AuditEntry {
  action: string;
  farmId?: string | null;
  actorId?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
  /** Unix ms; the database clock when absent. */
  at?: number;
}

/** Appends to the audit log; pass a transaction's client so the entry commits with the change it records. */
export async function audit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (farm_id, actor_id, action, target, detail, ip, at) VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, now()))', [
    entry.farmId ?? null,
    entry.actorId ?? null,
    entry.action,
    entry.target ?? null,
    JSON.stringify(entry.detail ?? {}),
    entry.ip ?? null,
    entry.at === undefined ? null : new Date(entry.at),
  ]);
}

/** An audit entry as the owners' API shows it. */
export interface AuditRecord {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** A farm's audit entries, newest first, before the entry `before` (an id) when given. */
export async function listAudit(db: Queryable, farmId: string, options: { before?: string; limit: number }): Promise<AuditRecord[]> {
  const { rows } = await db.query<{ id: string; at: Date; actor_id: string | null; actor_name: string | null; action: string; target: string | null; detail: Record<string, unknown>; ip: string | null }>(
    `SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.action, a.target, a.detail, a.ip
       FROM audit_log a LEFT JOIN app_user u ON u.id = a.actor_id
      WHERE a.farm_id = $1 AND ($2::bigint IS NULL OR a.id < $2::bigint)
      ORDER BY a.id DESC LIMIT $3`,
    [farmId, options.before ?? null, options.limit],
  );
  return rows.map((row) => ({ id: row.id, at: row.at.getTime(), actorId: row.actor_id, actorName: row.actor_name, action: row.action, target: row.target, detail: row.detail, ip: row.ip }));
}
