import type { Queryable } from './farm-role.js';

/** Expired invitations are kept this long (for support questions); the audit log keeps the rest. */
export const INVITATION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Deletes refresh tokens past their expiry (no longer usable, so reuse detection loses nothing)
 * and invitations expired for 30 days. For the retention job.
 */
export async function purgeExpiredAccountData(db: Queryable, now: number): Promise<{ refreshTokens: number; invitations: number }> {
  const tokens = await db.query('DELETE FROM refresh_token WHERE expires_at < $1', [new Date(now)]);
  const invitations = await db.query('DELETE FROM invitation WHERE expires_at < $1', [new Date(now - INVITATION_RETENTION_MS)]);
  return { refreshTokens: tokens.rowCount ?? 0, invitations: invitations.rowCount ?? 0 };
}
