import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { newId, TokkatotError } from '@tokkatot/shared';
import { withTransaction } from '../db/transaction.js';
import { hashSecret } from '../http/auth.js';
import type { Queryable } from './farm-role.js';

/** Lifetime of a refresh token (docs/cloud/api.md): 30 days, renewed by every use. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Stores a new refresh token in `familyId` (a new family, i.e. a new sign-in, when absent) and returns it. */
export async function issueRefreshToken(db: Queryable, userId: string, now: number, familyId?: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = newId(now);
  await db.query('INSERT INTO refresh_token (id, token_hash, family_id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    hashSecret(token),
    familyId ?? id,
    userId,
    new Date(now + REFRESH_TOKEN_TTL_MS),
    new Date(now),
  ]);
  return token;
}

/** What presenting a refresh token led to. */
export type Rotation = { outcome: 'rotated'; userId: string; refreshToken: string } | { outcome: 'reused'; userId: string; familyId: string };

/**
 * Swaps a live refresh token for a new one of the same family. A token that was already
 * swapped means two holders, one of them a thief: the whole family is revoked (and committed)
 * and the caller must sign in again.
 */
export async function rotateRefreshToken(pool: pg.Pool, token: string, now: number): Promise<Rotation> {
  const rotation = await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; family_id: string; user_id: string; expires_at: Date; replaced_at: Date | null; revoked_at: Date | null }>(
      'SELECT id, family_id, user_id, expires_at, replaced_at, revoked_at FROM refresh_token WHERE token_hash = $1 FOR UPDATE',
      [hashSecret(token)],
    );
    const row = rows[0];
    if (!row) throw new TokkatotError('UNAUTHENTICATED', 'The session is not known; sign in again.');
    if (row.replaced_at) {
      await revokeFamily(client, row.family_id, now);
      return { outcome: 'reused', userId: row.user_id, familyId: row.family_id } as const;
    }
    if (row.revoked_at) throw new TokkatotError('UNAUTHENTICATED', 'The session was ended; sign in again.');
    if (row.expires_at.getTime() <= now) throw new TokkatotError('TOKEN_EXPIRED');
    await client.query('UPDATE refresh_token SET replaced_at = $2 WHERE id = $1', [row.id, new Date(now)]);
    const next = await issueRefreshToken(client, row.user_id, now, row.family_id);
    return { outcome: 'rotated', userId: row.user_id, refreshToken: next } as const;
  });
  return rotation;
}

/** Ends every token of a family (logout, theft). */
export async function revokeFamily(db: Queryable, familyId: string, now: number): Promise<void> {
  await db.query('UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, new Date(now)]);
}

/** The family and holder of a refresh token, if it is known. */
export async function findRefreshToken(db: Queryable, token: string): Promise<{ familyId: string; userId: string } | undefined> {
  const { rows } = await db.query<{ family_id: string; user_id: string }>('SELECT family_id, user_id FROM refresh_token WHERE token_hash = $1', [hashSecret(token)]);
  return rows[0] ? { familyId: rows[0].family_id, userId: rows[0].user_id } : undefined;
}
