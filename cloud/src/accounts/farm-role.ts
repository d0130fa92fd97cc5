import type pg from 'pg';
import { hasRole, IdSchema, RoleSchema, TokkatotError, type Role } from '@tokkatot/shared';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** What the database says about a person and one farm, read in one query. */
export interface FarmStanding {
  userExists: boolean;
  admin: boolean;
  farmExists: boolean;
  role: Role | undefined;
}

/** Reads a person's account and their membership of `farmId`, now. */
export async function readFarmStanding(db: Queryable, userId: string, farmId: string): Promise<FarmStanding> {
  const { rows } = await db.query<{ is_admin: boolean; role: string | null; farm_exists: boolean }>(
    `SELECT u.is_admin, m.role, EXISTS (SELECT 1 FROM farm WHERE id = $2) AS farm_exists
       FROM app_user u LEFT JOIN membership m ON m.user_id = u.id AND m.farm_id = $2
      WHERE u.id = $1`,
    [userId, farmId],
  );
  const row = rows[0];
  if (!row) return { userExists: false, admin: false, farmExists: false, role: undefined };
  return { userExists: true, admin: row.is_admin, farmExists: row.farm_exists, role: row.role ? RoleSchema.parse(row.role) : undefined };
}

/**
 * The role a person acts with on a farm, or the refusal: NOT_FOUND for a farm they do not belong
 * to (no existence leak), FORBIDDEN for too low a role. Platform admins read every farm as viewer
 * and change nothing on farms they are not members of.
 */
export function decideFarmRole(standing: FarmStanding, minimum: Role): Role {
  if (!standing.userExists) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
  const role = standing.role ?? (standing.admin && standing.farmExists ? 'viewer' : undefined);
  if (!role) throw new TokkatotError('NOT_FOUND', 'There is no such farm.');
  if (!hasRole(role, minimum)) throw new TokkatotError('FORBIDDEN', `This needs the ${minimum} role or higher on the farm.`);
  return role;
}

/** Resolves `farmId` (untrusted input) for a person, enforcing `minimum`. */
export async function resolveFarmRole(db: Queryable, userId: string, farmId: string, minimum: Role): Promise<Role> {
  // A malformed id cannot name a farm; answer as for any farm the caller does not belong to.
  if (!IdSchema.safeParse(farmId).success) throw new TokkatotError('NOT_FOUND', 'There is no such farm.');
  return decideFarmRole(await readFarmStanding(db, userId, farmId), minimum);
}
