import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { TokkatotError } from '@tokkatot/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NOT_BUILT_PAGE } from './not-built-page.js';
import { cacheControlFor, isApiPath, resolveStatic } from './static-files.js';

/** Where `npm run build:dashboard` writes the app. */
export const DEFAULT_DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

export interface DashboardOptions {
  /** The built dashboard's folder (default cloud/dashboard/dist). */
  root?: string;
}

// Same origin only; uPlot sets inline styles; the service worker is the app's own.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Serves the owners' dashboard: files of the build (hashed assets cached for a year, the shell
 * and service worker revalidated), the shell for every other non-API path (client routes), and
 * a clear 503 page while the dashboard is not built. Registered last, so every API route wins.
 */
export async function registerDashboard(app: FastifyInstance, options: DashboardOptions = {}): Promise<void> {
  const root = options.root ?? DEFAULT_DASHBOARD_DIST;
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false, cacheControl: false, etag: true, lastModified: true });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (isApiPath(path)) return reply.code(404).send(new TokkatotError('NOT_FOUND', `No route ${request.method} ${path}.`).toBody());
      if (!existsSync(join(root, 'index.html'))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      reply.header('x-content-type-options', 'nosniff');
      const resolved = resolveStatic(root, path);
      if (resolved.kind === 'missing') return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      const relativePath = resolved.kind === 'file' ? resolved.relativePath : 'index.html';
      reply.header('cache-control', cacheControlFor(relativePath));
      if (relativePath === 'index.html') reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
      if (relativePath === 'sw.js') reply.header('service-worker-allowed', '/');
      return reply.sendFile(relativePath, root);
    };

    scope.get('/', handler);
    scope.get('/*', handler);
  });
}
