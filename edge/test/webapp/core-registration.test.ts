import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebapp } from '../../src/webapp/index.js';
import { startTestEdge, type TestEdge } from '../helpers.js';
import { RecordingSiren } from './support/serve-edge.js';

/**
 * The lead registers these plugins inside the core's buildApp: there every route must declare
 * config.access (an onRoute hook refuses others) and the OpenAPI document is generated from
 * zod schemas. This builds an app with the same rules and checks the plugins fit them.
 */
describe('registerWebapp under the core app’s rules', () => {
  let test: TestEdge;
  let app: FastifyInstance;
  const routes: Array<{ url: string; access: unknown }> = [];

  beforeAll(async () => {
    test = await startTestEdge();
    app = Fastify({ logger: false, exposeHeadRoutes: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
      routes.push({ url: route.url, access });
    });
    await app.register(fastifySwagger, { openapi: { info: { title: 'test', version: '0' } }, transform: jsonSchemaTransform });
    await registerWebapp(app, test.edge, {
      siren: new RecordingSiren(),
      schedules: { list: () => [], save: () => undefined },
      climate: () => ({ climateRules: [], flocks: [] }),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await test.close();
  });

  it('declares an access level on every route', () => {
    expect(routes.map((route) => route.url).sort()).toEqual(
      ['/', '/*', '/api/coop-targets', '/api/daily-records', '/api/daily-records/:coopId/:date', '/api/daily-records/:coopId/:date', '/api/schedules', '/api/schedules/:id', '/api/schedules/:id', '/api/siren', '/api/siren/silence'].sort(),
    );
  });

  it('lets the OpenAPI document be generated with the new routes in it', () => {
    const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/daily-records/{coopId}/{date}', '/api/schedules/{id}', '/api/siren/silence', '/api/coop-targets']));
    expect(paths).not.toContain('/*');
  });
});
