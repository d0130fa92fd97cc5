import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** A Fastify scope whose route schemas are zod schemas. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** The signed-in user of a protected route (the onRequest hook guarantees one). */
export function actorOf(request: { principal: { userId: string; username: string } | null }): { userId: string; username: string } {
  if (!request.principal) throw new Error('protected route reached without a principal');
  return request.principal;
}
