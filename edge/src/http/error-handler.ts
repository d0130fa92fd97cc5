import { TokkatotError, type ErrorBody, type ErrorCode } from '@tokkatot/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

const BY_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'NOT_READY',
};

/**
 * Maps every failure to `{ error: { code, message, details } }`: TokkatotError by its code, schema
 * validation and body parsing problems to 4xx, constraint violations to 409. Only a real fault
 * is a 500, and it is logged.
 */
export function toErrorResponse(error: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
  if (error instanceof TokkatotError) return { status: error.status, body: error.toBody() };
  const fastifyError = error as Partial<FastifyError> & { code?: string };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    const details = error.validation.map((issue) => ({ path: `${where}${issue.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''), message: issue.message }));
    const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
    return { status: 400, body: new TokkatotError('VALIDATION_FAILED', `The ${where} is not valid: ${summary}`, details).toBody() };
  }
  if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('SQLITE_CONSTRAINT')) {
    return { status: 409, body: new TokkatotError('CONFLICT', 'The change conflicts with what is stored (a duplicate or a missing reference).').toBody() };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'VALIDATION_FAILED';
    const registered = new TokkatotError(code, fastifyError.message);
    return { status: registered.status, body: registered.toBody() };
  }
  request.log.error({ err: error }, 'request failed');
  return { status: 500, body: new TokkatotError('INTERNAL').toBody() };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error, request);
  void reply.code(status).send(body);
}
