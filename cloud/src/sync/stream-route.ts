import type { FastifyInstance } from 'fastify';
import { FARM_HEADER, type Authenticate } from '../http/auth.js';
import type { StreamHub } from './stream-hub.js';

/** `GET /v1/sync/stream`: one Server-Sent Events stream per client, all collections multiplexed. */
export async function registerStreamRoute(
  app: FastifyInstance,
  deps: { hub: StreamHub; authenticate: Authenticate },
): Promise<void> {
  app.get('/v1/sync/stream', async (request, reply) => {
    const principal = await deps.authenticate(request.headers.authorization, request.headers[FARM_HEADER]);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const sink = {
      send: (message: unknown) => void raw.write(`data: ${JSON.stringify(message)}\n\n`),
      comment: (text: string) => void raw.write(`: ${text}\n\n`),
      end: () => raw.end(),
    };
    const close = await deps.hub.open(principal.farmId, sink);
    request.raw.on('close', close);
  });
}
