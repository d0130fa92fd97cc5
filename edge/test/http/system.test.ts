import { describe, expect, it } from 'vitest';
import { createEdge } from '../../src/edge.js';
import { buildApp } from '../../src/http/app.js';
import { tempDir, testConfig } from '../helpers.js';

describe('system routes', () => {
  it('reports not ready (503 NOT_READY) before start and after stop, while /health stays up', async () => {
    const dir = tempDir();
    const edge = createEdge({ config: testConfig(dir.dir) });
    const app = await buildApp(edge);
    try {
      const before = await app.inject({ method: 'GET', url: '/ready' });
      expect(before.statusCode).toBe(503);
      expect(before.json().error.code).toBe('NOT_READY');
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await edge.start();
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
      await edge.stop();
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    } finally {
      await app.close();
      dir.remove();
    }
  });

  it('answers unknown routes with the error body, not an HTML page', async () => {
    const dir = tempDir();
    const edge = createEdge({ config: testConfig(dir.dir) });
    const app = await buildApp(edge);
    try {
      const response = await app.inject({ method: 'GET', url: '/api/nope' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /api/nope.' } });
    } finally {
      await app.close();
      await edge.stop();
      dir.remove();
    }
  });
});
