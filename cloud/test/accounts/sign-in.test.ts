import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, T0 } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let now = T0;
let address = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { now: () => now });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

// A fresh client address per call, so the per-address limits stay out of the way of what is tested here.
const post = (url: string, payload: unknown, token?: string) =>
  app.inject({ method: 'POST', url, payload: payload as object, remoteAddress: `10.1.${Math.floor(++address / 250)}.${address % 250}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
const me = (token: string) => app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
const PASSWORD = 'long enough password';

describe('registration and sign-in', () => {
  it('registers by email and signs in with it in any letter case', async () => {
    const registered = await post('/v1/auth/register', { name: 'Sokha', email: 'Sokha@Example.com', password: PASSWORD, locale: 'en' });
    expect(registered.statusCode).toBe(201);
    const { user } = registered.json();
    expect(user).toEqual({ id: expect.any(String), name: 'Sokha', email: 'sokha@example.com', phone: null, locale: 'en', admin: false });
    const login = await post('/v1/auth/login', { login: 'SOKHA@example.com ', password: PASSWORD });
    expect(login.statusCode).toBe(200);
    const session = login.json();
    expect(session).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, user });
    const mine = await me(session.accessToken);
    expect(mine.json()).toEqual({ user, memberships: [] });
  });

  it('registers by phone and signs in with it, spaces forgiven', async () => {
    const registered = await post('/v1/auth/register', { name: 'Dara', phone: '+85512345678', password: PASSWORD });
    expect(registered.statusCode).toBe(201);
    expect(registered.json().user).toMatchObject({ phone: '+85512345678', email: null, locale: 'km' });
    const login = await post('/v1/auth/login', { login: '+855 12 345 678', password: PASSWORD });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.phone).toBe('+85512345678');
  });

  it('refuses a second account with the same email or phone', async () => {
    await post('/v1/auth/register', { name: 'First', email: 'same@example.com', password: PASSWORD });
    const again = await post('/v1/auth/register', { name: 'Second', email: 'SAME@example.com', password: PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
  });

  it('answers a wrong password and an unknown login alike, and audits both', async () => {
    await post('/v1/auth/register', { name: 'Vanna', email: 'vanna@example.com', password: PASSWORD });
    const wrong = await post('/v1/auth/login', { login: 'vanna@example.com', password: 'not the password' });
    const unknown = await post('/v1/auth/login', { login: 'nobody@example.com', password: PASSWORD });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'The name or password is wrong.' });
    }
    const { rows } = await db.pool.query("SELECT target, detail->>'reason' AS reason FROM audit_log WHERE action = 'auth.login_failed' ORDER BY id");
    expect(rows).toEqual([
      { target: 'vanna@example.com', reason: 'wrong_password' },
      { target: 'nobody@example.com', reason: 'unknown_login' },
    ]);
  });
});

describe('lockout', () => {
  it('locks the account after 5 failures, refuses even the right password for 15 minutes, then lets it in', async () => {
    await post('/v1/auth/register', { name: 'Bopha', email: 'bopha@example.com', password: PASSWORD });
    const attempt = (password: string) => post('/v1/auth/login', { login: 'bopha@example.com', password });
    for (let i = 1; i <= 4; i += 1) expect((await attempt(`wrong guess ${i}`)).json().error.code).toBe('INVALID_CREDENTIALS');
    const fifth = await attempt('wrong guess 5');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    const right = await attempt(PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(right.json().error).toMatchObject({ code: 'ACCOUNT_LOCKED', details: { lockedUntil: now + 15 * 60_000 } });
    now += 15 * 60_000 - 1;
    expect((await attempt(PASSWORD)).statusCode).toBe(423);
    now += 1;
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    const { rows } = await db.pool.query("SELECT action FROM audit_log WHERE target = 'bopha@example.com' ORDER BY id");
    expect(rows.map((row) => row.action)).toEqual([
      ...Array(5).fill('auth.login_failed'),
      'auth.locked',
      'auth.login_refused_locked',
      'auth.login_refused_locked',
      'auth.login',
    ]);
  });

  it('counts failures in a row only: a successful sign-in starts the count again', async () => {
    await post('/v1/auth/register', { name: 'Kosal', email: 'kosal@example.com', password: PASSWORD });
    const attempt = (password: string) => post('/v1/auth/login', { login: 'kosal@example.com', password });
    for (let i = 0; i < 4; i += 1) await attempt('wrong guess');
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 4; i += 1) expect((await attempt('wrong guess')).statusCode).toBe(401);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('locks exactly once when many wrong guesses arrive at the same moment', async () => {
    await post('/v1/auth/register', { name: 'Rith', email: 'rith@example.com', password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post('/v1/auth/login', { login: 'rith@example.com', password: `guess ${i}` })));
    const codes = answers.map((res) => res.json().error.code);
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(4);
    expect(codes).toContain('ACCOUNT_LOCKED');
    expect((await post('/v1/auth/login', { login: 'rith@example.com', password: PASSWORD })).statusCode).toBe(423);
  });
});

describe('refresh tokens', () => {
  async function signIn(email: string) {
    await post('/v1/auth/register', { name: 'Refresher', email, password: PASSWORD });
    return (await post('/v1/auth/login', { login: email, password: PASSWORD })).json();
  }

  it('rotates on every use: the new pair works, the access token is fresh', async () => {
    const first = await signIn('rotate@example.com');
    now += 20 * 60_000;
    expect((await me(first.accessToken)).json().error.code).toBe('TOKEN_EXPIRED');
    const second = await post('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.statusCode).toBe(200);
    const pair = second.json();
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect((await me(pair.accessToken)).statusCode).toBe(200);
    const third = await post('/v1/auth/refresh', { refreshToken: pair.refreshToken });
    expect(third.statusCode).toBe(200);
  });

  it('treats a reused refresh token as theft and ends the whole family', async () => {
    const first = await signIn('stolen@example.com');
    const other = (await post('/v1/auth/login', { login: 'stolen@example.com', password: PASSWORD })).json();
    const rotated = (await post('/v1/auth/refresh', { refreshToken: first.refreshToken })).json();
    const reuse = await post('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('UNAUTHENTICATED');
    // The thief's (or owner's) newer token of that family is dead too; another sign-in is not.
    expect((await post('/v1/auth/refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(401);
    expect((await post('/v1/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.refresh_reused'");
    expect(rows[0].n).toBe(1);
  });

  it('expires after 30 days', async () => {
    const first = await signIn('old@example.com');
    now += 30 * 24 * 3600_000 + 1;
    const res = await post('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('ends the session on logout, twice without complaint', async () => {
    const session = await signIn('leaving@example.com');
    expect((await post('/v1/auth/logout', { refreshToken: session.refreshToken })).statusCode).toBe(204);
    expect((await post('/v1/auth/logout', { refreshToken: session.refreshToken })).statusCode).toBe(204);
    expect((await post('/v1/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await post('/v1/auth/refresh', { refreshToken: 'never-issued' })).json().error.code).toBe('UNAUTHENTICATED');
  });

  it('stores only hashes of refresh tokens', async () => {
    const session = await signIn('hashed@example.com');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM refresh_token WHERE token_hash = $1', [session.refreshToken]);
    expect(rows[0].n).toBe(0);
    const stored = await db.pool.query('SELECT password_hash FROM app_user WHERE email = $1', ['hashed@example.com']);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });
});
