import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokkatotError } from '@tokkatot/shared';
import { parseInput } from '../sync/sync-routes.js';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-token.js';
import { audit } from './audit.js';
import type { AccountsDeps } from './accounts-deps.js';
import { hashPassword } from './passwords.js';
import { findRefreshToken, issueRefreshToken, revokeFamily, rotateRefreshToken } from './refresh-tokens.js';
import { LoginSchema, normaliseLogin, RefreshSchema, RegisterSchema } from './schemas.js';
import { checkCredentials } from './sign-in.js';
import { findUserById, insertUser, toPublicUser, type StoredUser } from './user-store.js';

/** Small bodies only: nothing here needs more than a name and a password. */
const SMALL_BODY = 16 * 1024;

/** Tells whether a Postgres error is a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** Per-IP and per-login key for the sign-in limit; read after the body is parsed. */
function loginKey(request: FastifyRequest): string {
  const login = (request.body as { login?: unknown } | undefined)?.login;
  return `${request.ip}|${typeof login === 'string' ? normaliseLogin(login).slice(0, 254) : ''}`;
}

/** `/v1/auth/*` and `/v1/me`: registration, sign-in, refresh rotation, sign-out, the caller's account. */
export async function registerAuthRoutes(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  const session = async (user: StoredUser, refreshToken: string) => ({
    accessToken: deps.accounts.signAccessToken(user.id, user.admin),
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    user: toPublicUser(user),
  });

  app.post('/v1/auth/register', { bodyLimit: SMALL_BODY, config: { rateLimit: { max: 10, timeWindow: 60_000 } } }, async (request, reply) => {
    const input = parseInput(RegisterSchema, request.body, 'registration');
    const now = deps.now();
    let user: StoredUser;
    try {
      user = await insertUser(deps.pool, { name: input.name, email: input.email ?? null, phone: input.phone ?? null, passwordHash: await hashPassword(input.password), locale: input.locale ?? 'km', now });
    } catch (error) {
      if (isUniqueViolation(error)) throw new TokkatotError('CONFLICT', 'An account with this email address or phone number already exists; sign in instead.');
      throw error;
    }
    await audit(deps.pool, { action: 'auth.registered', actorId: user.id, target: user.id, ip: request.ip, at: now });
    return reply.status(201).send({ user: toPublicUser(user) });
  });

  // 5 tries a minute per address and login, on top of the lockout that follows 5 failures.
  const loginLimit = { max: 5, timeWindow: 60_000, hook: 'preHandler' as const, keyGenerator: loginKey };
  app.post('/v1/auth/login', { bodyLimit: SMALL_BODY, config: { rateLimit: loginLimit } }, async (request) => {
    const input = parseInput(LoginSchema, request.body, 'sign-in');
    const now = deps.now();
    const login = normaliseLogin(input.login);
    const user = await checkCredentials(deps.pool, login, input.password, { now, ip: request.ip });
    const refreshToken = await issueRefreshToken(deps.pool, user.id, now);
    await audit(deps.pool, { action: 'auth.login', actorId: user.id, target: login, ip: request.ip, at: now });
    return session(user, refreshToken);
  });

  app.post('/v1/auth/refresh', { bodyLimit: SMALL_BODY, config: { rateLimit: { max: 60, timeWindow: 60_000 } } }, async (request) => {
    const { refreshToken } = parseInput(RefreshSchema, request.body, 'refresh request');
    const now = deps.now();
    const rotation = await rotateRefreshToken(deps.pool, refreshToken, now);
    if (rotation.outcome === 'reused') {
      await audit(deps.pool, { action: 'auth.refresh_reused', actorId: rotation.userId, target: rotation.familyId, ip: request.ip, at: now });
      throw new TokkatotError('UNAUTHENTICATED', 'This session was used from somewhere else and has been ended for safety; sign in again.');
    }
    const user = await findUserById(deps.pool, rotation.userId);
    if (!user) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
    return session(user, rotation.refreshToken);
  });

  app.post('/v1/auth/logout', { bodyLimit: SMALL_BODY }, async (request, reply) => {
    const { refreshToken } = parseInput(RefreshSchema, request.body, 'sign-out request');
    const now = deps.now();
    const known = await findRefreshToken(deps.pool, refreshToken);
    // Idempotent: signing out twice, or with a token already gone, is still a sign-out.
    if (known) {
      await revokeFamily(deps.pool, known.familyId, now);
      await audit(deps.pool, { action: 'auth.logout', actorId: known.userId, ip: request.ip, at: now });
    }
    return reply.status(204).send();
  });

  app.get('/v1/me', async (request) => {
    const { userId } = await deps.farmAccess.account(request);
    const user = await findUserById(deps.pool, userId);
    if (!user) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
    const { rows } = await deps.pool.query<{ farm_id: string; farm_name: string; role: string }>(
      'SELECT m.farm_id, f.name AS farm_name, m.role FROM membership m JOIN farm f ON f.id = m.farm_id WHERE m.user_id = $1 ORDER BY f.name, m.farm_id',
      [userId],
    );
    return { user: toPublicUser(user), memberships: rows.map((row) => ({ farmId: row.farm_id, farmName: row.farm_name, role: row.role })) };
  });
}
