import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { TokkatotError } from '@tokkatot/shared';
import { IngestBatchSchema } from '@tokkatot/sync';
import type { Principal } from '../http/auth.js';
import type { IngestService } from './ingest-service.js';
import { parseInput } from './sync-routes.js';

/** Media type of an outbox batch: JSON, usually sent with `content-encoding: gzip`. */
export const INGEST_CONTENT_TYPE = 'application/vnd.tokkatot.outbox+json';

const MAX_COMPRESSED = 8 * 1024 * 1024;
// A zip bomb stops here instead of filling memory.
const MAX_INFLATED = 64 * 1024 * 1024;

/** `POST /v1/ingest`: an edge's outbox batch; answered with each stream's contiguous acknowledged sequence. */
export async function registerIngestRoutes(
  app: FastifyInstance,
  deps: { ingest: IngestService; authenticate: (authorization: string | undefined) => Promise<Principal> },
): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(INGEST_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: MAX_COMPRESSED }, (request, body, done) => {
      try {
        const encoding = request.headers['content-encoding'];
        let text: Buffer = body as Buffer;
        if (encoding === 'gzip') text = gunzipSync(text, { maxOutputLength: MAX_INFLATED });
        else if (encoding !== undefined && encoding !== 'identity') throw new TokkatotError('VALIDATION_FAILED', `Unsupported content-encoding "${encoding}".`);
        done(null, JSON.parse(text.toString('utf8')));
      } catch (error) {
        if (error instanceof TokkatotError) done(error);
        else if (error instanceof RangeError) done(new TokkatotError('PAYLOAD_TOO_LARGE', 'The batch inflates beyond 64 MiB.'));
        else done(new TokkatotError('VALIDATION_FAILED', `The batch is not gzip-compressed JSON: ${(error as Error).message}`));
      }
    });

    scope.post('/v1/ingest', { bodyLimit: MAX_COMPRESSED }, async (request) => {
      const principal = await deps.authenticate(request.headers.authorization);
      if (principal.kind !== 'edge') throw new TokkatotError('FORBIDDEN', 'Only a paired edge uploads its outbox.');
      if (request.headers['content-type']?.split(';')[0] !== INGEST_CONTENT_TYPE) {
        throw new TokkatotError('VALIDATION_FAILED', `Send the batch as ${INGEST_CONTENT_TYPE}.`);
      }
      const batch = parseInput(IngestBatchSchema, request.body, 'batch');
      const result = await deps.ingest.ingest(principal.edgeId, principal.farmId, batch);
      return { ackedThrough: result.ackedThrough };
    });
  });
}
