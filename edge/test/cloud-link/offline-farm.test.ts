import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('cloud link routes on an offline farm', () => {
  let test: TestEdge;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;

  beforeEach(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
  });
  afterEach(async () => test.close());

  it('reports sync as offline and refuses pairing with the fix, to the owner only', async () => {
    const status = await test.app.inject({ method: 'GET', url: '/api/sync/status', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(status.json()).toEqual({ state: 'offline' });
    expect((await test.app.inject({ method: 'GET', url: '/api/sync/status' })).statusCode).toBe(401);
    expect((await test.app.inject({ method: 'GET', url: '/api/pairing', headers: { authorization: `Bearer ${tokens.manager}` } })).statusCode).toBe(403);
    const claim = await test.app.inject({ method: 'POST', url: '/api/pairing/claim', headers: { authorization: `Bearer ${tokens.owner}` }, payload: { edgeName: 'Barn Pi' } });
    expect(claim.statusCode).toBe(409);
    expect(claim.json<{ error: { message: string } }>().error.message).toContain('cloud.url');
    const invalid = await test.app.inject({ method: 'POST', url: '/api/pairing/claim', headers: { authorization: `Bearer ${tokens.owner}` }, payload: { edgeName: '', extra: 1 } });
    expect(invalid.statusCode).toBe(400);
  });

  it('declares an access level on every cloud link route', () => {
    expect(test.app.routeTable.filter((route) => route.url.startsWith('/api/sync') || route.url.startsWith('/api/pairing'))).toEqual([
      { method: 'GET', url: '/api/sync/status', access: 'viewer' },
      { method: 'GET', url: '/api/pairing', access: 'owner' },
      { method: 'POST', url: '/api/pairing/claim', access: 'owner' },
    ]);
  });
});

describe('cloud configuration', () => {
  it('is offline by default and takes the cloud URL from TOKKATOT_CLOUD_URL', () => {
    expect(loadConfig({ cwd: tmpdir(), env: { TOKKATOT_CONFIG: '' } }).config.cloud).toEqual({ readingsIntervalSeconds: 60 });
    expect(loadConfig({ cwd: tmpdir(), env: { TOKKATOT_CONFIG: '', TOKKATOT_CLOUD_URL: 'https://cloud.example.com' } }).config.cloud).toEqual({ url: 'https://cloud.example.com', readingsIntervalSeconds: 60 });
    expect(() => loadConfig({ cwd: tmpdir(), env: { TOKKATOT_CONFIG: '', TOKKATOT_CLOUD_URL: 'not a url' } })).toThrow(/cloud\.url/);
  });
});
