import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TokkatotError } from '@tokkatot/shared';

/** Maps every failure to the registry's JSON body: a code and a readable message, never a stack. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof TokkatotError) {
    void reply.status(error.status).send(error.toBody());
    return;
  }
  const status = (error as FastifyError).statusCode;
  if (status === 413) {
    void reply.status(413).send(new TokkatotError('PAYLOAD_TOO_LARGE').toBody());
    return;
  }
  if (status !== undefined && status >= 400 && status < 500) {
    void reply.status(400).send(new TokkatotError('VALIDATION_FAILED', error.message).toBody());
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.status(500).send(new TokkatotError('INTERNAL').toBody());
}
