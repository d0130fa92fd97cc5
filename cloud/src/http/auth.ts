import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type pg from 'pg';
import { z } from 'zod';
import { RoleSchema, TokkatotError, type Role } from '@tokkatot/shared';
import { looksLikeAccessToken, verifyAccessToken } from '../accounts/access-token.js';
import { resolveFarmRole } from '../accounts/farm-role.js';

/** Who is calling: a paired edge (its farm is fixed) or a signed-in user acting on one farm. */
export type Principal = { kind: 'edge'; edgeId: string; farmId: string } | { kind: 'user'; userId: string; farmId: string; role: Role };

const UserClaimsSchema = z.object({ sub: z.string().min(1).max(64), farmId: z.string().min(1).max(64), role: RoleSchema });

const EDGE_TOKEN = /^edge\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{20,128})$/;

/** SHA-256 hex: credentials, claim codes and poll secrets are stored only this way. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new edge credential: the token handed over once, and the hash the cloud keeps. */
export function issueEdgeCredential(edgeId: string): { token: string; tokenHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `edge.${edgeId}.${secret}`, tokenHash: hashSecret(secret) };
}

/**
 * A farm-scoped token with a fixed role, for tools and tests that act on one farm without an
 * account. No route issues these; accounts sign in for access tokens (accounts/access-token.ts).
 */
export function signUserToken(secret: string, claims: { sub: string; farmId: string; role: Role }, expiresInSeconds = 900): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: expiresInSeconds });
}

/** The header naming the farm an account token acts on (sync, command and pairing endpoints). */
export const FARM_HEADER = 'x-tokkatot-farm';

/** Resolves the credentials of a request: its Authorization header and, for account tokens, its farm header. */
export type Authenticate = (authorization: string | undefined, farmHeader?: string | string[]) => Promise<Principal>;

/**
 * Resolves a bearer token to a principal on one farm: `edge.<id>.<secret>` is checked against
 * the stored hash of a non-revoked edge; an account access token acts on the farm named by the
 * `X-Tokkatot-Farm` header with the role the membership table gives it now; anything else must
 * be a farm-scoped token from `signUserToken`.
 */
export class Authenticator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly jwtSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(authorization: string | undefined, farmHeader?: string | string[]): Promise<Principal> {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new TokkatotError('UNAUTHENTICATED', 'A bearer token is required.');
    const edge = EDGE_TOKEN.exec(token);
    if (edge) return this.authenticateEdge(edge[1]!, edge[2]!);
    if (looksLikeAccessToken(token)) return this.authenticateAccount(token, farmHeader);
    let claims: unknown;
    try {
      claims = jwt.verify(token, this.jwtSecret, { algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new TokkatotError('TOKEN_EXPIRED');
      throw new TokkatotError('UNAUTHENTICATED', 'The token is not valid.');
    }
    const parsed = UserClaimsSchema.safeParse(claims);
    if (!parsed.success) throw new TokkatotError('UNAUTHENTICATED', 'The token does not name a farm and role.');
    return { kind: 'user', userId: parsed.data.sub, farmId: parsed.data.farmId, role: parsed.data.role };
  }

  private async authenticateAccount(token: string, farmHeader: string | string[] | undefined): Promise<Principal> {
    const { userId } = verifyAccessToken(this.jwtSecret, token, this.now());
    if (typeof farmHeader !== 'string' || farmHeader === '') {
      throw new TokkatotError('VALIDATION_FAILED', 'Name the farm in the X-Tokkatot-Farm header (once).');
    }
    // The weakest role here; each endpoint demands more where it must (push: manager, claim: owner).
    const role = await resolveFarmRole(this.pool, userId, farmHeader, 'viewer');
    return { kind: 'user', userId, farmId: farmHeader, role };
  }

  private async authenticateEdge(edgeId: string, secret: string): Promise<Principal> {
    const { rows } = await this.pool.query<{ farm_id: string; token_hash: string }>(
      'SELECT farm_id, token_hash FROM edge WHERE id = $1 AND revoked_at IS NULL',
      [edgeId],
    );
    const row = rows[0];
    const given = Buffer.from(hashSecret(secret), 'hex');
    if (!row || !timingSafeEqual(given, Buffer.from(row.token_hash, 'hex'))) {
      throw new TokkatotError('UNAUTHENTICATED', 'The edge credential is not valid.');
    }
    return { kind: 'edge', edgeId, farmId: row.farm_id };
  }
}
