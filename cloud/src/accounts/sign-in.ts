import type pg from 'pg';
import { TokkatotError } from '@tokkatot/shared';
import { audit } from './audit.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { findUserByLogin, type StoredUser } from './user-store.js';

/** Failed sign-ins in a row that lock an account, and for how long (docs/cloud/api.md). */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

function lockedError(until: number, now: number): TokkatotError {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return new TokkatotError('ACCOUNT_LOCKED', `Too many failed sign-ins; try again in ${minutes} min.`, { lockedUntil: until });
}

/**
 * Checks a login and password. Every failure is audited; the fifth in a row locks the account
 * for 15 minutes, during which even the right password is refused. An unknown login costs the
 * same hashing time as a wrong password, so answers do not tell which accounts exist.
 */
export async function checkCredentials(pool: pg.Pool, login: string, password: string, context: { now: number; ip: string }): Promise<StoredUser> {
  const { now, ip } = context;
  const user = await findUserByLogin(pool, login);
  if (!user) {
    await verifyPassword(await decoyHash(), password);
    await audit(pool, { action: 'auth.login_failed', target: login, detail: { reason: 'unknown_login' }, ip, at: now });
    throw new TokkatotError('INVALID_CREDENTIALS');
  }
  if (user.lockedUntil !== null && user.lockedUntil > now) {
    await audit(pool, { action: 'auth.login_refused_locked', actorId: user.id, target: login, ip, at: now });
    throw lockedError(user.lockedUntil, now);
  }
  if (await verifyPassword(user.passwordHash, password)) {
    await pool.query('UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
    return user;
  }
  // One statement counts the failure, so concurrent wrong guesses cannot slip past the threshold.
  const { rows } = await pool.query<{ locked_until: Date | null; failed_logins: number }>(
    `UPDATE app_user
        SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
      WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4)
      RETURNING locked_until, failed_logins`,
    [user.id, LOCKOUT_THRESHOLD, new Date(now + LOCKOUT_MS), new Date(now)],
  );
  const row = rows[0];
  const lockedUntil = row ? (row.locked_until !== null && row.locked_until.getTime() > now ? row.locked_until.getTime() : null) : now + LOCKOUT_MS;
  await audit(pool, { action: 'auth.login_failed', actorId: user.id, target: login, detail: { reason: 'wrong_password' }, ip, at: now });
  if (lockedUntil !== null) {
    if (row) await audit(pool, { action: 'auth.locked', actorId: user.id, target: login, detail: { until: lockedUntil }, ip, at: now });
    throw lockedError(lockedUntil, now);
  }
  throw new TokkatotError('INVALID_CREDENTIALS');
}
