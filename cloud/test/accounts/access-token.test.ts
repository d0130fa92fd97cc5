import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from '../../src/accounts/access-token.js';

const NOW = Date.UTC(2026, 2, 10, 8, 0, 0);
const SECRET = 'a-test-secret-of-enough-length-000001';
const OTHER = 'a-test-secret-of-enough-length-000002';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('access tokens', () => {
  it('verifies its own tokens, per secret, on the app clock', () => {
    const token = signAccessToken(SECRET, { userId: 'user-1', admin: true }, NOW);
    expect(verifyAccessToken(SECRET, token, NOW)).toEqual({ userId: 'user-1', admin: true });
    const other = signAccessToken(OTHER, { userId: 'user-2', admin: false }, NOW);
    expect(verifyAccessToken(OTHER, other, NOW)).toEqual({ userId: 'user-2', admin: false });
    expect(code(() => verifyAccessToken(SECRET, token, NOW + (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret, another algorithm or none', () => {
    const iat = Math.floor(NOW / 1000);
    const claims = { sub: 'user-1', typ: 'access', iat, exp: iat + 60 };
    expect(code(() => verifyAccessToken(SECRET, signAccessToken(OTHER, { userId: 'user-1', admin: false }, NOW), NOW))).toBe('UNAUTHENTICATED');
    expect(code(() => verifyAccessToken(SECRET, jwt.sign(claims, SECRET, { algorithm: 'HS512' }), NOW))).toBe('UNAUTHENTICATED');
    expect(code(() => verifyAccessToken(SECRET, jwt.sign(claims, null, { algorithm: 'none' }), NOW))).toBe('UNAUTHENTICATED');
    // The right secret and algorithm, but not an access token.
    expect(code(() => verifyAccessToken(SECRET, jwt.sign({ ...claims, typ: 'refresh' }, SECRET, { algorithm: 'HS256' }), NOW))).toBe('UNAUTHENTICATED');
  });

  it('remembers a verified token but still expires it on time, and never lends it to another secret or a tampered copy', () => {
    const token = signAccessToken(SECRET, { userId: 'user-9', admin: false }, NOW);
    expect(verifyAccessToken(SECRET, token, NOW)).toEqual({ userId: 'user-9', admin: false });
    // Remembered now: the same answers as a full check.
    expect(verifyAccessToken(SECRET, token, NOW + (ACCESS_TOKEN_TTL_SECONDS - 1) * 1000)).toEqual({ userId: 'user-9', admin: false });
    expect(code(() => verifyAccessToken(SECRET, token, NOW + ACCESS_TOKEN_TTL_SECONDS * 1000))).toBe('TOKEN_EXPIRED');
    expect(code(() => verifyAccessToken(OTHER, token, NOW))).toBe('UNAUTHENTICATED');
    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'user-1' })).toString('base64url');
    expect(code(() => verifyAccessToken(SECRET, `${header}.${forgedPayload}.${signature}`, NOW))).toBe('UNAUTHENTICATED');
  });
});
