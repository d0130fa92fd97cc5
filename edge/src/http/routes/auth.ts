import { TokkatotError } from '@tokkatot/shared';
import type { Edge } from '../../edge.js';
import { ChangePasswordBodySchema, LoginBodySchema, RefreshBodySchema, SetupOwnerBodySchema } from '../schemas.js';
import { actorOf, type ZodApp } from './types.js';

/** First-run owner, sign-in, token refresh and sign-out. */
export function registerAuthRoutes(app: ZodApp, edge: Edge): void {
  app.get('/api/setup', { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Whether the first owner still has to be created' } }, async () => ({
    needsOwner: edge.auth.needsOwner(),
  }));

  app.post(
    '/api/setup/owner',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Create the first owner (only while no user exists)', body: SetupOwnerBodySchema } },
    async (request, reply) => {
      const user = await edge.auth.setupOwner(request.body);
      return reply.code(201).send({ user });
    },
  );

  app.post('/api/auth/login', { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Sign in', body: LoginBodySchema } }, async (request) =>
    edge.auth.login(request.body.username, request.body.password),
  );

  app.post('/api/auth/refresh', { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Rotate a refresh token', body: RefreshBodySchema } }, async (request) =>
    edge.auth.refresh(request.body.refreshToken),
  );

  app.post('/api/auth/logout', { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Revoke a sign-in', body: RefreshBodySchema } }, async (request, reply) => {
    edge.auth.logout(request.body.refreshToken);
    return reply.code(204).send();
  });

  app.get('/api/auth/me', { config: { access: 'viewer' }, schema: { tags: ['auth'], summary: 'The signed-in user' } }, async (request) => ({
    user: edge.auth.getUser(actorOf(request).userId),
  }));

  app.post(
    '/api/auth/password',
    { config: { access: 'viewer' }, schema: { tags: ['auth'], summary: 'Change one’s own password', body: ChangePasswordBodySchema } },
    async (request, reply) => {
      if (request.body.currentPassword === request.body.newPassword) throw new TokkatotError('VALIDATION_FAILED', 'The new password must differ from the current one.');
      await edge.auth.changeOwnPassword(actorOf(request).userId, request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send();
    },
  );
}
