import type { Role, User } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

/** A user as the edge stores it: the shared shape plus role, secrets and lockout state (never sent out). */
export interface UserRecord extends User {
  role: Role;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
}

type Row = Record<string, unknown>;

function toUser(row: Row): UserRecord {
  return {
    id: row.id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    username: row.username as string,
    displayName: row.display_name as string,
    ...(row.email === null ? {} : { email: row.email as string }),
    ...(row.phone === null ? {} : { phone: row.phone as string }),
    locale: row.locale as User['locale'],
    disabled: row.disabled === 1,
    role: row.role as Role,
    passwordHash: row.password_hash as string,
    failedLogins: row.failed_logins as number,
    lockedUntil: row.locked_until as number | null,
    createdAt: row.created_at as number,
  };
}

/** Users and their sign-in state. */
export class UsersRepository {
  constructor(private readonly db: SqliteDatabase) {}

  count(): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): UserRecord[] {
    return (prepareCached(this.db, 'SELECT * FROM users ORDER BY username').all() as Row[]).map(toUser);
  }

  get(id: string): UserRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  findByUsername(username: string): UserRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  countByRole(role: Role): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM users WHERE role = ? AND disabled = 0').get(role) as { n: number }).n;
  }

  save(user: UserRecord): void {
    prepareCached(this.db, 
        `INSERT INTO users (id, username, display_name, email, phone, locale, role, password_hash, disabled, failed_logins, locked_until, hlc, created_at, updated_at)
         VALUES (@id, @username, @displayName, @email, @phone, @locale, @role, @passwordHash, @disabled, @failedLogins, @lockedUntil, @hlc, @createdAt, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name, email = excluded.email,
           phone = excluded.phone, locale = excluded.locale, role = excluded.role, password_hash = excluded.password_hash,
           disabled = excluded.disabled, failed_logins = excluded.failed_logins, locked_until = excluded.locked_until,
           hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...user, email: user.email ?? null, phone: user.phone ?? null, disabled: Number(user.disabled) });
  }

  /** Stores the outcome of a sign-in attempt without touching the document fields. */
  recordLoginState(id: string, failedLogins: number, lockedUntil: number | null): void {
    prepareCached(this.db, 'UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(failedLogins, lockedUntil, id);
  }
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  issuedAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

/** Refresh tokens, stored only as hashes. */
export class RefreshTokensRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(token: RefreshTokenRecord): void {
    prepareCached(this.db, 
        `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, used_at, revoked_at)
         VALUES (@id, @userId, @familyId, @tokenHash, @issuedAt, @expiresAt, @usedAt, @revokedAt)`,
      )
      .run(token);
  }

  findByHash(tokenHash: string): RefreshTokenRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id as string,
      userId: row.user_id as string,
      familyId: row.family_id as string,
      tokenHash: row.token_hash as string,
      issuedAt: row.issued_at as number,
      expiresAt: row.expires_at as number,
      usedAt: row.used_at as number | null,
      revokedAt: row.revoked_at as number | null,
    };
  }

  /** Marks a token used, only if it was still unused: false means someone else used it first. */
  markUsed(id: string, at: number): boolean {
    return prepareCached(this.db, 'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL').run(at, id).changes === 1;
  }

  revokeFamily(familyId: string, at: number): number {
    return prepareCached(this.db, 'UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL').run(at, familyId).changes;
  }

  revokeUser(userId: string, at: number): number {
    return prepareCached(this.db, 'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId).changes;
  }

  /** Drops tokens that expired long ago (keeps the table small). */
  deleteExpired(before: number): number {
    return prepareCached(this.db, 'DELETE FROM refresh_tokens WHERE expires_at < ?').run(before).changes;
  }
}
