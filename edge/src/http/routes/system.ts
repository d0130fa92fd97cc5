import { TokkatotError } from '@tokkatot/shared';
import type { Edge } from '../../edge.js';
import type { HttpMetrics } from '../metrics.js';
import type { ZodApp } from './types.js';

/** Liveness, readiness, metrics, the OpenAPI document and the edge's status. */
export function registerSystemRoutes(app: ZodApp, edge: Edge, metrics: HttpMetrics): void {
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['system'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { access: 'public' }, schema: { tags: ['system'], summary: 'The store is open and the services started' } }, async (_request, reply) => {
    if (!edge.isReady() || !edge.database.db.open) throw new TokkatotError('NOT_READY');
    edge.database.db.prepare('SELECT 1').get();
    return reply.send({ status: 'ready', schemaVersion: edge.database.schemaVersion(), needsOwner: edge.auth.needsOwner() });
  });

  app.get('/metrics', { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.get('/api/status', { config: { access: 'viewer' }, schema: { tags: ['system'], summary: 'Store, telemetry and node summary' } }, async () => {
    const nodes = edge.registry.listNodes();
    return {
      farm: edge.registry.farm(),
      schemaVersion: edge.database.schemaVersion(),
      uptimeSeconds: Math.round((edge.clock.now() - edge.startedAt) / 1000),
      database: { sizeBytes: edge.database.sizeOnDisk(), budgetBytes: edge.housekeeper.budgetBytes, lastHousekeeping: edge.housekeeper.lastReport ?? null },
      telemetry: { ingestedSinceStart: edge.telemetry.ingestedTotal, pending: edge.telemetry.pendingCount() },
      nodes: { total: nodes.length, online: nodes.filter((node) => edge.registry.isOnline(node)).length, unassigned: nodes.filter((node) => node.coopId === null).length },
    };
  });
}
