import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { TokkatotError } from '@tokkatot/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NOT_BUILT_PAGE } from './not-built-page.js';
import { cacheControlFor, resolveStatic } from './static-files.js';

/** Where `npm run build:ui` writes the app. */
export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export interface WebappOptions {
  /** The built app's folder (default edge/ui/dist). */
  root?: string;
}

// The app talks only to this Pi; styles stay inline-capable for the chart library.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Serves the workers' web app from the Pi: files of the build, the app shell for every other
 * non-API path (client-side routes), and a clear 503 page while the app is not built. Routes
 * declare `config.access: 'public'` as the core's route table requires.
 */
export const webappPlugin: FastifyPluginAsync<WebappOptions> = async (app, options) => {
  const root = options.root ?? DEFAULT_UI_DIST;
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, etag: true, lastModified: true });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || path === '/api') {
      return reply.code(404).send(new TokkatotError('NOT_FOUND', `No route ${request.method} ${path}.`).toBody());
    }
    if (!existsSync(join(root, 'index.html'))) {
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    reply.header('x-content-type-options', 'nosniff');
    const resolved = resolveStatic(root, path);
    if (resolved.kind === 'missing') return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    const relativePath = resolved.kind === 'file' ? resolved.relativePath : 'index.html';
    reply.header('cache-control', cacheControlFor(relativePath));
    if (relativePath === 'index.html') reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
    return reply.sendFile(relativePath, root);
  };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, handler);
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, handler);
};
