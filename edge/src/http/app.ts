import fastifySwagger from '@fastify/swagger';
import { TokkatotError, hasRole, type Role } from '@tokkatot/shared';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccessClaims } from '../auth/access-tokens.js';
import type { Edge } from '../edge.js';
import { errorHandler } from './error-handler.js';
import { createMetrics, type HttpMetrics } from './metrics.js';
import { registerRoutes } from './routes/index.js';
import { registerWebapp, type RegisterWebappOptions } from '../webapp/index.js';
import { registerCloudLinkRoutes, type CloudLink } from '../cloud-link/index.js';

/** Who may call a route: anyone, or a signed-in user with at least this role. */
export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** SSE: browsers' EventSource cannot send headers, so the token may come as ?access_token=. */
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    principal: AccessClaims | null;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

export interface AppOptions {
  logger?: FastifyBaseLogger;
  /** Where the SSE streams are tracked so close() can end them. */
  version?: string;
  /** The workers' web app, daily checklist, siren and automation editing routes; absent in API-only tests. */
  webapp?: RegisterWebappOptions;
  /** The link to the cloud; absent on an offline farm (sync status then says "offline"). */
  cloudLink?: CloudLink;
}

export type EdgeApp = FastifyInstance & { routeTable: RouteInfo[]; metrics: HttpMetrics };

/**
 * The edge HTTP API as one Fastify instance, not listening: main.ts listens, tests inject().
 * Every route must declare `config.access`; a route without it is refused at registration, so
 * no route can forget its role check.
 */
export async function buildApp(edge: Edge, options: AppOptions = {}): Promise<EdgeApp> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: edge.config.http.bodyLimitBytes,
    exposeHeadRoutes: false,
    // On shutdown, end kept-alive and streaming connections instead of waiting for clients.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(new TokkatotError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`).toBody());
  });

  const routeTable: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
    for (const method of [route.method].flat()) routeTable.push({ method: String(method), url: route.url, access });
  });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const access = config.access;
    if (!access || access === 'public') return;
    const header = request.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string' && header.startsWith('Bearer ')) token = header.slice(7).trim();
    else if (config.tokenInQuery) {
      const query = request.query as Record<string, unknown> | undefined;
      if (typeof query?.access_token === 'string') token = query.access_token;
    }
    if (!token) throw new TokkatotError('UNAUTHENTICATED');
    const principal = edge.auth.authenticate(token);
    if (!hasRole(principal.role, access)) throw new TokkatotError('FORBIDDEN', `This needs the ${access} role or higher; you are ${principal.role}.`);
    request.principal = principal;
  });

  const metrics = createMetrics(edge);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.requestTotal.inc(labels);
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) metrics.errorsTotal.inc({ method: labels.method, route: labels.route, code: String(reply.statusCode) });
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Tokkatot edge API', version: options.version ?? '0.1.0', description: 'The farm controller on the Raspberry Pi: registry, control, telemetry, events, users.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });

  await app.register(async (scope) => registerRoutes(scope.withTypeProvider<ZodTypeProvider>(), edge, metrics));
  await app.register(async (scope) => registerCloudLinkRoutes(scope.withTypeProvider<ZodTypeProvider>(), edge, options.cloudLink));
  if (options.webapp) await registerWebapp(app, edge, options.webapp);
  await app.ready();
  return Object.assign(app, { routeTable, metrics }) as unknown as EdgeApp;
}
