import type { Edge } from '../../edge.js';
import {
  CoopFilterQuerySchema,
  CreateCoopBodySchema,
  CreateOutputBodySchema,
  CreateSensorBodySchema,
  IdParamsSchema,
  PatchCoopBodySchema,
  PatchFarmBodySchema,
  PatchNodeBodySchema,
  PatchOutputBodySchema,
  PatchSensorBodySchema,
} from '../schemas.js';
import { coopView, nodeView, outputView, sensorView } from '../views.js';
import { actorOf, type ZodApp } from './types.js';

/** Farm, coops (with live state), nodes, outputs and sensors. Reading is for everyone; changing is for managers (farm: owner). */
export function registerRegistryRoutes(app: ZodApp, edge: Edge): void {
  app.get('/api/farm', { config: { access: 'viewer' }, schema: { tags: ['registry'], summary: 'The farm' } }, async () => ({ farm: edge.registry.farm() }));
  app.patch('/api/farm', { config: { access: 'owner' }, schema: { tags: ['registry'], summary: 'Change farm settings', body: PatchFarmBodySchema } }, async (request) => ({
    farm: edge.registry.updateFarm(request.body, actorOf(request).userId),
  }));

  app.get('/api/coops', { config: { access: 'viewer' }, schema: { tags: ['registry'], summary: 'Coops with live outputs, sensors and alarms' } }, async () => ({
    coops: edge.registry.listCoops().map((coop) => coopView(edge, coop)),
  }));
  app.get('/api/coops/:id', { config: { access: 'viewer' }, schema: { tags: ['registry'], params: IdParamsSchema } }, async (request) => ({
    coop: coopView(edge, edge.registry.getCoop(request.params.id)),
  }));
  app.post('/api/coops', { config: { access: 'manager' }, schema: { tags: ['registry'], body: CreateCoopBodySchema } }, async (request, reply) =>
    reply.code(201).send({ coop: edge.registry.createCoop(request.body, actorOf(request).userId) }),
  );
  app.patch('/api/coops/:id', { config: { access: 'manager' }, schema: { tags: ['registry'], params: IdParamsSchema, body: PatchCoopBodySchema } }, async (request) => ({
    coop: edge.registry.updateCoop(request.params.id, request.body, actorOf(request).userId),
  }));

  app.get('/api/nodes', { config: { access: 'viewer' }, schema: { tags: ['registry'], summary: 'Nodes, discovered ones (no coop) included' } }, async () => ({
    nodes: edge.registry.listNodes().map((node) => nodeView(edge, node)),
  }));
  app.patch(
    '/api/nodes/:id',
    { config: { access: 'manager' }, schema: { tags: ['registry'], summary: 'Assign a node to a coop or rename it', params: IdParamsSchema, body: PatchNodeBodySchema } },
    async (request) => ({ node: nodeView(edge, edge.registry.updateNode(request.params.id, request.body, actorOf(request).userId)) }),
  );

  app.get(
    '/api/outputs',
    { config: { access: 'viewer' }, schema: { tags: ['registry'], summary: 'Outputs with state, reason and whether they can be controlled', querystring: CoopFilterQuerySchema } },
    async (request) => {
      const now = edge.clock.now();
      return { outputs: edge.registry.listOutputs(request.query).map((output) => outputView(edge, output, now)) };
    },
  );
  app.get('/api/outputs/:id', { config: { access: 'viewer' }, schema: { tags: ['registry'], params: IdParamsSchema } }, async (request) => ({
    output: outputView(edge, edge.registry.getOutput(request.params.id)),
  }));
  app.post('/api/outputs', { config: { access: 'manager' }, schema: { tags: ['registry'], body: CreateOutputBodySchema } }, async (request, reply) =>
    reply.code(201).send({ output: outputView(edge, edge.registry.createOutput(request.body, actorOf(request).userId)) }),
  );
  app.patch('/api/outputs/:id', { config: { access: 'manager' }, schema: { tags: ['registry'], params: IdParamsSchema, body: PatchOutputBodySchema } }, async (request) => ({
    output: outputView(edge, edge.registry.updateOutput(request.params.id, request.body, actorOf(request).userId)),
  }));

  app.get('/api/sensors', { config: { access: 'viewer' }, schema: { tags: ['registry'], querystring: CoopFilterQuerySchema } }, async (request) => {
    const now = edge.clock.now();
    return { sensors: edge.registry.listSensors(request.query).map((sensor) => sensorView(edge, sensor, now)) };
  });
  app.get('/api/sensors/:id', { config: { access: 'viewer' }, schema: { tags: ['registry'], params: IdParamsSchema } }, async (request) => ({
    sensor: sensorView(edge, edge.registry.getSensor(request.params.id)),
  }));
  app.post('/api/sensors', { config: { access: 'manager' }, schema: { tags: ['registry'], body: CreateSensorBodySchema } }, async (request, reply) =>
    reply.code(201).send({ sensor: sensorView(edge, edge.registry.createSensor(request.body, actorOf(request).userId)) }),
  );
  app.patch('/api/sensors/:id', { config: { access: 'manager' }, schema: { tags: ['registry'], params: IdParamsSchema, body: PatchSensorBodySchema } }, async (request) => ({
    sensor: sensorView(edge, edge.registry.updateSensor(request.params.id, request.body, actorOf(request).userId)),
  }));
}
