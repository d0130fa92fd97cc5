import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, login, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('auth routes', () => {
  let test: TestEdge;
  beforeEach(async () => {
    test = await startTestEdge();
  });
  afterEach(async () => test.close());

  const post = (url: string, payload: unknown, token?: string) =>
    test.app.inject({ method: 'POST', url, payload: payload as object, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });

  it('creates the first owner once, and only while no user exists', async () => {
    expect((await test.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needsOwner: true });
    const weak = await post('/api/setup/owner', { username: 'owner', displayName: 'Owner', password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('VALIDATION_FAILED');
    expect(weak.json().error.message).toMatch(/password/);
    const first = await post('/api/setup/owner', { username: 'Owner', displayName: 'Owner', password: PASSWORD });
    expect(first.statusCode).toBe(201);
    expect(first.json().user).toMatchObject({ username: 'owner', role: 'owner' });
    expect(first.json().user).not.toHaveProperty('passwordHash');
    const second = await post('/api/setup/owner', { username: 'mallory', displayName: 'Mallory', password: PASSWORD });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('CONFLICT');
    expect((await test.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needsOwner: false });
  });

  it('locks an account for 15 minutes after 5 failed sign-ins, even against the right password', async () => {
    await signInAllRoles(test);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await post('/api/auth/login', { username: 'worker', password: 'wrong password' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await post('/api/auth/login', { username: 'worker', password: 'wrong password' });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error).toMatchObject({ code: 'ACCOUNT_LOCKED', details: { retryAfterSeconds: 900 } });
    expect((await post('/api/auth/login', { username: 'worker', password: PASSWORD })).statusCode).toBe(423);
    test.clock.advance(14 * 60_000);
    expect((await post('/api/auth/login', { username: 'worker', password: PASSWORD })).statusCode).toBe(423);
    test.clock.advance(61_000);
    expect((await post('/api/auth/login', { username: 'worker', password: PASSWORD })).statusCode).toBe(200);
    const locked = test.edge.repositories.events.query({ types: ['user_action'], limit: 50 }).map((stored) => stored.event);
    expect(locked.some((event) => 'summary' in event && /worker locked/.test(event.summary))).toBe(true);
  });

  it('answers an unknown user like a wrong password', async () => {
    await signInAllRoles(test);
    const response = await post('/api/auth/login', { username: 'nobody', password: PASSWORD });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rotates refresh tokens and revokes the whole family when an old one is reused', async () => {
    await signInAllRoles(test);
    const first = (await post('/api/auth/login', { username: 'viewer', password: PASSWORD })).json();
    const second = await post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.statusCode).toBe(200);
    const rotated = second.json();
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    const third = await post('/api/auth/refresh', { refreshToken: rotated.refreshToken });
    expect(third.statusCode).toBe(200);
    const newest = third.json().refreshToken;
    // The first token again: theft. Its whole family dies, the newest token included.
    const reuse = await post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.message).toMatch(/already used/);
    expect((await post('/api/auth/refresh', { refreshToken: newest })).statusCode).toBe(401);
    // Another sign-in of the same user is a different family and still works.
    const other = (await post('/api/auth/login', { username: 'viewer', password: PASSWORD })).json();
    expect((await post('/api/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });

  it('expires access tokens after their short lifetime and refresh tokens after theirs', async () => {
    const tokens = await signInAllRoles(test);
    const refresh = (await post('/api/auth/login', { username: 'viewer', password: PASSWORD })).json().refreshToken;
    test.clock.advance(16 * 60_000);
    const me = await test.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('TOKEN_EXPIRED');
    test.clock.advance(31 * 86_400_000);
    expect((await post('/api/auth/refresh', { refreshToken: refresh })).json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('rejects forged, malformed and missing tokens', async () => {
    await signInAllRoles(test);
    for (const header of ['Bearer abc.def.ghi', 'Bearer ', 'Basic b3duZXI6cGFzcw==', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im93bmVyIn0.']) {
      const response = await test.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: header } });
      expect(response.statusCode).toBe(401);
    }
  });

  it('signs out disabled users at once and keeps the last owner', async () => {
    const tokens = await signInAllRoles(test);
    const users = (await test.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${tokens.owner}` } })).json().users as { id: string; username: string }[];
    const byName = Object.fromEntries(users.map((user) => [user.username, user.id]));
    const disable = await test.app.inject({ method: 'PATCH', url: `/api/users/${byName.worker}`, headers: { authorization: `Bearer ${tokens.owner}` }, payload: { disabled: true } });
    expect(disable.statusCode).toBe(200);
    expect((await test.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${tokens.worker}` } })).statusCode).toBe(401);
    const demote = await test.app.inject({ method: 'PATCH', url: `/api/users/${byName.owner}`, headers: { authorization: `Bearer ${tokens.owner}` }, payload: { role: 'manager' } });
    expect(demote.statusCode).toBe(409);
  });

  it('lets the owner reset a password, which lifts a lockout and ends old sessions', async () => {
    const tokens = await signInAllRoles(test);
    const refresh = (await post('/api/auth/login', { username: 'manager', password: PASSWORD })).json().refreshToken;
    for (let attempt = 0; attempt < 5; attempt++) await post('/api/auth/login', { username: 'manager', password: 'nope nope' });
    const managerId = test.edge.auth.findUserByName('manager')!.id;
    const reset = await post(`/api/users/${managerId}/password`, { password: 'a brand new secret' }, tokens.owner);
    expect(reset.statusCode).toBe(200);
    expect((await post('/api/auth/refresh', { refreshToken: refresh })).statusCode).toBe(401);
    expect(await login(test, 'manager', 'a brand new secret')).toBeTruthy();
  });

  it('changes one’s own password only with the current one', async () => {
    const tokens = await signInAllRoles(test);
    expect((await post('/api/auth/password', { currentPassword: 'wrong one!', newPassword: 'another secret' }, tokens.viewer)).statusCode).toBe(401);
    expect((await post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'another secret' }, tokens.viewer)).statusCode).toBe(204);
    expect(await login(test, 'viewer', 'another secret')).toBeTruthy();
  });
});
