import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDashboard } from '../../src/dashboard/dashboard-plugin.js';
import { cacheControlFor, isApiPath, resolveStatic } from '../../src/dashboard/static-files.js';

let dir: string;
let built: FastifyInstance;
let empty: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-dashboard-plugin-'));
  const root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(root, 'assets', 'main-ABC123.js'), 'console.log(1)');
  writeFileSync(join(root, 'sw.js'), 'self.x = 1');
  writeFileSync(join(dir, 'secret.txt'), 'outside the root');
  built = Fastify();
  built.get('/v1/farms', async () => ({ api: true }));
  await registerDashboard(built, { root });
  empty = Fastify();
  await registerDashboard(empty, { root: join(dir, 'nothing-here') });
});

afterAll(async () => {
  await built?.close();
  await empty?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard static serving', () => {
  it('serves hashed assets for a year and the shell revalidated, with a CSP', async () => {
    const asset = await built.inject('/assets/main-ABC123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const shell = await built.inject('/');
    expect(shell.statusCode).toBe(200);
    expect(shell.headers['cache-control']).toBe('no-cache');
    expect(shell.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await built.inject('/sw.js')).headers['cache-control']).toBe('no-cache');
  });

  it('answers client routes with the shell and unknown files with 404', async () => {
    for (const path of ['/farms/farm-a', '/farms/farm-a/coops/coop-1', '/farms/x%20y/alarms']) {
      const res = await built.inject(path);
      expect(res.statusCode, path).toBe(200);
      expect(res.body).toContain('<title>shell</title>');
    }
    expect((await built.inject('/assets/main-GONE.js')).statusCode).toBe(404);
    expect((await built.inject('/favicon.ico')).statusCode).toBe(404);
  });

  it('never answers API paths with the app, and leaves API routes alone', async () => {
    expect((await built.inject('/v1/farms')).json()).toEqual({ api: true });
    const missing = await built.inject('/v1/no-such-route');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect(isApiPath('/health')).toBe(true);
    expect(isApiPath('/v1')).toBe(true);
    expect(isApiPath('/v1x')).toBe(false);
    expect(isApiPath('/farms/v1')).toBe(false);
  });

  it('does not leave its folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00', '/%E0%A4%A']) {
      const res = await built.inject(path);
      expect(res.body, path).not.toContain('outside the root');
    }
    // A path climbing out is folded back under the root: never a file outside it.
    expect(resolveStatic(join(dir, 'dist'), '/../secret.txt').kind).not.toBe('file');
    expect(cacheControlFor('icon.svg')).toBe('public, max-age=86400');
  });

  it('shows a clear 503 page in both languages when the dashboard is not built', async () => {
    const res = await empty.inject('/farms/farm-a');
    expect(res.statusCode).toBe(503);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('npm run build:dashboard');
    expect(res.body).toMatch(/[\u1780-\u17FF]/);
  });
});
