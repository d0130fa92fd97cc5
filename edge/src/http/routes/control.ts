import type { Edge } from '../../edge.js';
import { IdParamsSchema, ManualCommandBodySchema } from '../schemas.js';
import { outputView } from '../views.js';
import { actorOf, type ZodApp } from './types.js';

/** Manual control: workers and up switch an output for a while, with a reason. */
export function registerControlRoutes(app: ZodApp, edge: Edge): void {
  app.post(
    '/api/outputs/:id/manual',
    {
      config: { access: 'worker' },
      schema: { tags: ['control'], summary: 'Manual override with reason and expiry (through the arbiter)', params: IdParamsSchema, body: ManualCommandBodySchema },
    },
    async (request, reply) => {
      const result = await edge.commands.manual(request.params.id, request.body, actorOf(request));
      return reply.code(201).send({
        command: result.command,
        decision: result.decision,
        confirmed: result.ack === null ? null : result.ack.ok,
        output: outputView(edge, edge.registry.getOutput(request.params.id)),
      });
    },
  );

  app.delete(
    '/api/outputs/:id/manual',
    { config: { access: 'worker' }, schema: { tags: ['control'], summary: 'End the manual override (automation takes over)', params: IdParamsSchema } },
    async (request) => {
      const result = await edge.commands.release(request.params.id, actorOf(request));
      return { decision: result.decision, output: outputView(edge, edge.registry.getOutput(request.params.id)) };
    },
  );
}
