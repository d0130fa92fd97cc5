import { TokkatotError, hasRole, type Role } from '@tokkatot/shared';
import type { FastifyRequest } from 'fastify';
import type { AccessClaims } from '../auth/access-tokens.js';

/** Turns an access token into its claims, or throws (the core's AuthService.authenticate). */
export type Authenticate = (accessToken: string) => AccessClaims;

/**
 * Checks the bearer token and role inside the handler itself, so these plugins are safe whether
 * or not they are registered under the core's onRequest role hook.
 */
export function requireRole(request: FastifyRequest, authenticate: Authenticate, role: Role): AccessClaims {
  const header = request.headers.authorization;
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token) throw new TokkatotError('UNAUTHENTICATED');
  const principal = authenticate(token);
  if (!hasRole(principal.role, role)) throw new TokkatotError('FORBIDDEN', `This needs the ${role} role or higher; you are ${principal.role}.`);
  return principal;
}
