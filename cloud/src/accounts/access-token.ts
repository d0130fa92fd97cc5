import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { TokkatotError } from '@tokkatot/shared';

/** Lifetime of an account access token (docs/cloud/api.md): short, so a refresh re-checks the account. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const AccessClaimsSchema = z.object({ sub: z.string().min(1).max(64), typ: z.literal('access'), adm: z.literal(true).optional(), exp: z.number().int().optional() });

/** Who an access token speaks for. `admin` is informational; the database decides at request time. */
export interface AccessClaims {
  userId: string;
  admin: boolean;
}

// Given a string, jsonwebtoken first tries to parse it as a PEM public key (a thrown and caught
// error, the costliest step of a request) before taking it as the HMAC secret; handing it the
// secret key object made once from the same bytes skips that. Only HS256 is ever accepted.
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret));
    if (secretKeys.size >= 16) secretKeys.clear();
    secretKeys.set(secret, key);
  }
  return key;
}

/** Signs `{ sub, typ: 'access', adm? }` on the app's clock so tests that move the clock stay consistent. */
export function signAccessToken(secret: string, claims: AccessClaims, now: number): string {
  const iat = Math.floor(now / 1000);
  const payload = { sub: claims.userId, typ: 'access', ...(claims.admin ? { adm: true } : {}), iat, exp: iat + ACCESS_TOKEN_TTL_SECONDS };
  return jwt.sign(payload, secretKey(secret), { algorithm: 'HS256' });
}

/** Tells whether a bearer token claims to be an account access token (unverified; only picks the check). */
export function looksLikeAccessToken(token: string): boolean {
  const decoded = jwt.decode(token);
  return typeof decoded === 'object' && decoded !== null && decoded.typ === 'access';
}

// A dashboard sends the same token with every request for its 15 minutes: the signature and
// shape checks are done once per token and remembered (tokens are immutable; only the expiry,
// checked on every use, depends on the time). Only tokens that passed are kept, so forged ones
// cannot fill it; the oldest are dropped beyond the bound.
const VERIFIED_MAX = 20_000;
const verified = new Map<string, { claims: AccessClaims; exp: number }>();

/** Verifies signature, expiry (on the app's clock) and shape; UNAUTHENTICATED or TOKEN_EXPIRED otherwise. */
export function verifyAccessToken(secret: string, token: string, now: number): AccessClaims {
  const key = `${secret.length}:${secret}:${token}`;
  const known = verified.get(key);
  if (known) {
    // jsonwebtoken's rule: expired once the clock reaches `exp`.
    if (Math.floor(now / 1000) >= known.exp) throw new TokkatotError('TOKEN_EXPIRED');
    return { ...known.claims };
  }
  let claims: unknown;
  try {
    claims = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'], clockTimestamp: Math.floor(now / 1000) });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new TokkatotError('TOKEN_EXPIRED');
    throw new TokkatotError('UNAUTHENTICATED', 'The token is not valid.');
  }
  const parsed = AccessClaimsSchema.safeParse(claims);
  if (!parsed.success) throw new TokkatotError('UNAUTHENTICATED', 'The token is not an access token.');
  const result = { userId: parsed.data.sub, admin: parsed.data.adm === true };
  if (typeof parsed.data.exp === 'number') {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(key, { claims: result, exp: parsed.data.exp });
  }
  return result;
}

/** The token of an `Authorization: Bearer …` header, or UNAUTHENTICATED. */
export function bearerToken(authorization: string | undefined): string {
  const token = /^Bearer (\S{1,4096})$/.exec(authorization ?? '')?.[1];
  if (!token) throw new TokkatotError('UNAUTHENTICATED', 'A bearer token is required.');
  return token;
}
