import { newId, type Locale } from '@tokkatot/shared';
import type { Queryable } from './farm-role.js';

/** A person as the API shows them (docs/cloud/api.md: `user`). */
export interface PublicUser {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
  admin: boolean;
}

/** A person with the fields sign-in needs. */
export interface StoredUser extends PublicUser {
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
}

interface UserRow {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
  is_admin: boolean;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
}

const COLUMNS = 'id, name, email, phone, locale, is_admin, password_hash, failed_logins, locked_until';

function toStored(row: UserRow): StoredUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    locale: row.locale,
    admin: row.is_admin,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until?.getTime() ?? null,
  };
}

/** Drops the secrets. */
export function toPublicUser(user: StoredUser): PublicUser {
  return { id: user.id, name: user.name, email: user.email, phone: user.phone, locale: user.locale, admin: user.admin };
}

/** Inserts a person; the caller has normalised email (lower case) and phone (E.164). Unique violations surface as pg error 23505. */
export async function insertUser(
  db: Queryable,
  input: { name: string; email?: string | null; phone?: string | null; passwordHash: string; locale?: Locale; admin?: boolean; now: number },
): Promise<StoredUser> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO app_user (id, name, email, phone, password_hash, locale, is_admin, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [newId(input.now), input.name, input.email ?? null, input.phone ?? null, input.passwordHash, input.locale ?? 'km', input.admin ?? false, new Date(input.now)],
  );
  return toStored(rows[0]!);
}

/** The person whose email or phone is `login` (already normalised), locked for update when `forUpdate`. */
export async function findUserByLogin(db: Queryable, login: string, forUpdate = false): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM app_user WHERE email = $1 OR phone = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [login]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

export async function findUserById(db: Queryable, id: string): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM app_user WHERE id = $1`, [id]);
  return rows[0] ? toStored(rows[0]) : undefined;
}
