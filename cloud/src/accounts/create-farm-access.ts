import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { IdSchema, RoleSchema, TokkatotError, type Role } from '@tokkatot/shared';
import type { AccountActor, FarmAccess, FarmActor } from '../http/farm-access.js';
import { bearerToken, verifyAccessToken } from './access-token.js';
import { decideFarmRole, resolveFarmRole } from './farm-role.js';
import type { AccountStanding, StandingCache } from './standing-cache.js';

export interface FarmAccessDeps {
  pool: pg.Pool;
  jwtSecret: string;
  now: () => number;
  /** People's memberships kept in memory while change announcements flow; without it every check reads the tables. */
  standings?: StandingCache;
}

/**
 * The owners' API authorisation check (docs/cloud/api.md, "Authentication and farm scope"): an
 * account access token, then the membership table at request time, never a role from the token.
 */
export function createFarmAccess(deps: FarmAccessDeps): FarmAccess {
  // One account lookup per request, however many checks a route makes.
  const accounts = new WeakMap<FastifyRequest, Promise<AccountActor>>();

  /** A non-admin's standing from the cache; undefined when there is no cache or the person is an admin. */
  const cachedStanding = async (userId: string): Promise<AccountStanding | undefined> => {
    if (!deps.standings) return undefined;
    const standing = await deps.standings.standing(userId);
    if (!standing) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
    return standing.admin ? undefined : standing;
  };

  const lookUp = async (request: FastifyRequest): Promise<AccountActor> => {
    const claims = verifyAccessToken(deps.jwtSecret, bearerToken(request.headers.authorization), deps.now());
    if (await cachedStanding(claims.userId)) return { userId: claims.userId, admin: false };
    const { rows } = await deps.pool.query<{ is_admin: boolean }>('SELECT is_admin FROM app_user WHERE id = $1', [claims.userId]);
    if (!rows[0]) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
    return { userId: claims.userId, admin: rows[0].is_admin };
  };

  const account = (request: FastifyRequest): Promise<AccountActor> => {
    let pending = accounts.get(request);
    if (!pending) {
      pending = lookUp(request);
      accounts.set(request, pending);
    }
    return pending;
  };

  return {
    account,
    membershipsChanged: async () => deps.standings?.settled(),
    async authorize(request: FastifyRequest, farmId: string, minimum: Role): Promise<FarmActor> {
      // The farm standing query also checks that the account exists and whether it is an admin,
      // so a farm route costs one query for its authorisation, not two.
      const { userId } = verifyAccessToken(deps.jwtSecret, bearerToken(request.headers.authorization), deps.now());
      const standing = await cachedStanding(userId);
      if (!standing) return { userId, role: await resolveFarmRole(deps.pool, userId, farmId, minimum) };
      // Not an admin, so whether the farm exists does not matter: only a membership grants a role.
      const role = IdSchema.safeParse(farmId).success ? standing.roles.get(farmId) : undefined;
      return { userId, role: decideFarmRole({ userExists: true, admin: false, farmExists: role !== undefined, role }, minimum) };
    },
    async farms(request: FastifyRequest): Promise<Array<{ farmId: string; role: Role }>> {
      // The account and its farms in one query (admins: every farm, as viewer where not a member).
      const { userId } = verifyAccessToken(deps.jwtSecret, bearerToken(request.headers.authorization), deps.now());
      const standing = await cachedStanding(userId);
      if (standing) {
        if (!accounts.has(request)) accounts.set(request, Promise.resolve({ userId, admin: false }));
        return [...standing.roles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([farmId, role]) => ({ farmId, role }));
      }
      const { rows } = await deps.pool.query<{ is_admin: boolean; farm_id: string | null; role: string | null }>(
        `SELECT u.is_admin, x.farm_id, x.role
           FROM app_user u
           LEFT JOIN LATERAL (
             SELECT f.id AS farm_id, COALESCE(m.role, 'viewer') AS role
               FROM farm f LEFT JOIN membership m ON m.farm_id = f.id AND m.user_id = u.id
              WHERE u.is_admin
             UNION ALL
             SELECT m.farm_id, m.role FROM membership m WHERE m.user_id = u.id AND NOT u.is_admin
           ) x ON true
          WHERE u.id = $1
          ORDER BY x.farm_id`,
        [userId],
      );
      if (!rows[0]) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
      if (!accounts.has(request)) accounts.set(request, Promise.resolve({ userId, admin: rows[0].is_admin }));
      return rows.filter((row) => row.farm_id !== null).map((row) => ({ farmId: row.farm_id!, role: RoleSchema.parse(row.role) }));
    },
  };
}
