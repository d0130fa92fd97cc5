import type { FastifyInstance } from 'fastify';
import { TokkatotError } from '@tokkatot/shared';
import type { FarmApiContext } from '../routes/context.js';
import { authorizeFarm } from '../routes/context.js';
import type { LiveHub } from './live-hub.js';

/**
 * `GET /v1/farms/:farmId/live`: Server-Sent Events for the dashboard. Authenticated with the
 * Authorization header (the dashboard reads the stream with fetch), so no token ever sits in a URL.
 */
export async function registerLiveRoute(app: FastifyInstance, ctx: FarmApiContext, hub: LiveHub): Promise<void> {
  app.get('/v1/farms/:farmId/live', async (request, reply) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    if (!hub.hasRoom(farmId)) throw new TokkatotError('RATE_LIMITED', 'Too many live streams are open for this farm; close another tab first.');
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': connected\n\n');
    let closed = false;
    const sink = {
      event: (name: string, data: unknown) => void (closed || raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)),
      comment: (text: string) => void (closed || raw.write(`: ${text}\n\n`)),
      end: () => {
        closed = true;
        raw.end();
      },
    };
    let detach: (() => void) | undefined;
    request.raw.on('close', () => {
      closed = true;
      detach?.();
    });
    try {
      detach = await hub.open(farmId, sink);
      if (closed) detach();
    } catch (error) {
      request.log.error({ err: error }, 'live stream could not start');
      sink.end();
    }
  });
}
