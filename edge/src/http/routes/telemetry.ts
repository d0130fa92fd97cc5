import type { Edge } from '../../edge.js';
import { HistoryQuerySchema, IdParamsSchema, IngestBodySchema } from '../schemas.js';
import type { ZodApp } from './types.js';

/** Readings history (resolution by range) and batched ingest for gateways and tools. */
export function registerTelemetryRoutes(app: ZodApp, edge: Edge): void {
  app.get(
    '/api/sensors/:id/readings',
    {
      config: { access: 'viewer' },
      schema: { tags: ['telemetry'], summary: 'History: raw ≤ 2 h, minutes ≤ 2 d, hours ≤ 60 d, days beyond (or as asked)', params: IdParamsSchema, querystring: HistoryQuerySchema },
    },
    async (request) => {
      edge.registry.getSensor(request.params.id);
      const { from, to, resolution, limit } = request.query;
      return edge.telemetry.history(request.params.id, from, to, resolution, limit);
    },
  );

  app.post(
    '/api/readings',
    { config: { access: 'manager' }, schema: { tags: ['telemetry'], summary: 'Ingest a batch; answered once the batch is on disk', body: IngestBodySchema } },
    async (request, reply) => {
      await edge.telemetry.ingest(request.body.readings);
      return reply.code(202).send({ accepted: request.body.readings.length });
    },
  );
}
