import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let owner: TestAccount;
let address = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool);
  owner = await createMember(app, db.pool, 'farm-h', 'owner');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const send = (method: 'POST' | 'PATCH', url: string, payload: unknown, token?: string) =>
  app.inject({
    method,
    url,
    remoteAddress: `10.2.${Math.floor(++address / 250)}.${address % 250}`,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const SQLISH = "x'); DROP TABLE app_user; --";
const good = { name: 'Good Name', email: 'good@example.com', password: 'long enough password' };

// Each case: [what, method, url, body, signed in?]
const CASES: Array<[string, 'POST' | 'PATCH', string, unknown, boolean]> = [
  ['register: no body', 'POST', '/v1/auth/register', 'null', false],
  ['register: array body', 'POST', '/v1/auth/register', [good], false],
  ['register: unknown field', 'POST', '/v1/auth/register', { ...good, admin: true }, false],
  ['register: admin by the back door', 'POST', '/v1/auth/register', { ...good, isAdmin: true, is_admin: true }, false],
  ['register: neither email nor phone', 'POST', '/v1/auth/register', { name: 'A', password: 'long enough password' }, false],
  ['register: short password', 'POST', '/v1/auth/register', { ...good, password: 'short' }, false],
  ['register: oversized password', 'POST', '/v1/auth/register', { ...good, password: 'p'.repeat(201) }, false],
  ['register: oversized name', 'POST', '/v1/auth/register', { ...good, name: 'n'.repeat(5000) }, false],
  ['register: name with control characters', 'POST', '/v1/auth/register', { ...good, name: 'a\u0000b' }, false],
  ['register: name of the wrong type', 'POST', '/v1/auth/register', { ...good, name: 42 }, false],
  ['register: SQL in the email', 'POST', '/v1/auth/register', { ...good, email: SQLISH }, false],
  ['register: phone not E.164', 'POST', '/v1/auth/register', { ...good, email: undefined, phone: '012 345 678' }, false],
  ['register: unknown locale', 'POST', '/v1/auth/register', { ...good, locale: 'fr' }, false],
  ['login: password of the wrong type', 'POST', '/v1/auth/login', { login: 'good@example.com', password: ['a'] }, false],
  ['login: oversized login', 'POST', '/v1/auth/login', { login: 'l'.repeat(300), password: 'x' }, false],
  ['login: unknown field', 'POST', '/v1/auth/login', { login: 'a@b.c', password: 'x', remember: true }, false],
  ['login: prototype pollution', 'POST', '/v1/auth/login', '{"login":"a@b.c","password":"x","__proto__":{"admin":true}}', false],
  ['refresh: number token', 'POST', '/v1/auth/refresh', { refreshToken: 12345 }, false],
  ['refresh: oversized token', 'POST', '/v1/auth/refresh', { refreshToken: 'r'.repeat(1000) }, false],
  ['farm: empty name', 'POST', '/v1/farms', { name: '   ' }, true],
  ['farm: unknown field', 'POST', '/v1/farms', { name: 'F', ownerId: 'someone' }, true],
  ['invitation: unknown role', 'POST', '/v1/farms/farm-h/invitations', { role: 'superuser' }, true],
  ['invitation: SQL in the email', 'POST', '/v1/farms/farm-h/invitations', { role: 'viewer', email: SQLISH }, true],
  ['accept: SQL as the code', 'POST', '/v1/invitations/accept', { code: SQLISH }, true],
  ['role change: unknown role', 'PATCH', '/v1/farms/farm-h/members/someone', { role: 'god' }, true],
  ['role change: malformed user id', 'PATCH', `/v1/farms/farm-h/members/${encodeURIComponent(SQLISH)}`, { role: 'viewer' }, true],
  ['not JSON at all', 'POST', '/v1/auth/login', '{"login": "a@b.c", "password": ', false],
];

describe('hostile input to the accounts routes', () => {
  it.each(CASES)('%s → 400 VALIDATION_FAILED', async (_what, method, url, body, signedIn) => {
    const res = await send(method, url, body, signedIn ? owner.accessToken : undefined);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.message.length).toBeGreaterThan(0);
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await send('POST', '/v1/auth/register', { ...good, name: 'n'.repeat(40_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('leaves the database as it was: no account, no admin, tables intact', async () => {
    const { rows } = await db.pool.query('SELECT count(*)::int AS users, count(*) FILTER (WHERE is_admin)::int AS admins FROM app_user');
    expect(rows[0]).toEqual({ users: 1, admins: 0 });
  });

  it('treats SQL-looking logins as plain text', async () => {
    const res = await send('POST', '/v1/auth/login', { login: "' OR '1'='1", password: "' OR '1'='1" });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});
