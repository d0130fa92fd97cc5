import type { Edge } from '../../edge.js';
import { CreateUserBodySchema, IdParamsSchema, PatchUserBodySchema, ResetPasswordBodySchema } from '../schemas.js';
import { actorOf, type ZodApp } from './types.js';

/** Members of the farm: the owner manages them. */
export function registerUserRoutes(app: ZodApp, edge: Edge): void {
  app.get('/api/users', { config: { access: 'owner' }, schema: { tags: ['users'], summary: 'List users' } }, async () => ({ users: edge.auth.listUsers() }));

  app.post('/api/users', { config: { access: 'owner' }, schema: { tags: ['users'], summary: 'Add a user', body: CreateUserBodySchema } }, async (request, reply) => {
    const user = await edge.auth.createUser(request.body, actorOf(request).userId);
    return reply.code(201).send({ user });
  });

  app.patch(
    '/api/users/:id',
    { config: { access: 'owner' }, schema: { tags: ['users'], summary: 'Change role, name, locale or disable', params: IdParamsSchema, body: PatchUserBodySchema } },
    async (request) => ({ user: edge.auth.updateUser(request.params.id, request.body, actorOf(request).userId) }),
  );

  app.post(
    '/api/users/:id/password',
    { config: { access: 'owner' }, schema: { tags: ['users'], summary: 'Reset a password (signs the user out everywhere)', params: IdParamsSchema, body: ResetPasswordBodySchema } },
    async (request) => ({ user: await edge.auth.resetPassword(request.params.id, request.body.password, actorOf(request).userId) }),
  );
}
