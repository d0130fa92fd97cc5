import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webappPlugin } from '../../src/webapp/index.js';

async function appOver(root: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(webappPlugin, { root });
  await app.ready();
  return app;
}

describe('webappPlugin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-webapp-'));
  const built = join(dir, 'dist');
  const empty = join(dir, 'empty');
  let app: FastifyInstance;
  let notBuilt: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    mkdirSync(empty);
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>shell</title>');
    writeFileSync(join(built, 'assets', 'main-ABC123.js'), 'console.log(1)');
    writeFileSync(join(built, 'sw.js'), 'self.x=1');
    writeFileSync(join(built, 'manifest.webmanifest'), '{}');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    app = await appOver(built);
    notBuilt = await appOver(empty);
  });
  afterAll(async () => {
    await app.close();
    await notBuilt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app shell at / with no-cache and a self-only content policy', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>shell</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers client-side routes with the shell so a reload on /coop/x works', async () => {
    const response = await app.inject({ url: '/coops/coop-1?tab=chart' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>shell</title>');
  });

  it('lets browsers keep hashed assets for a year and revalidate the service worker', async () => {
    const asset = await app.inject({ url: '/assets/main-ABC123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(asset.headers['content-type'])).toContain('javascript');
    expect((await app.inject({ url: '/sw.js' })).headers['cache-control']).toBe('no-cache');
    expect((await app.inject({ url: '/manifest.webmanifest' })).headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file with 404 rather than the shell', async () => {
    expect((await app.inject({ url: '/assets/gone-1.js' })).statusCode).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/%00', '/%E0%A4%A']) {
      const response = await app.inject({ url });
      expect(response.body, url).not.toContain('do not serve');
      expect([200, 400, 404], url).toContain(response.statusCode);
    }
  });

  it('leaves unknown API paths to a JSON 404 instead of the shell', async () => {
    const response = await app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('says clearly, with 503, that the app is not built', async () => {
    const response = await notBuilt.inject({ url: '/coops' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('npm run build:ui');
  });
});
