import type { Edge } from '../../edge.js';
import { LiveQuerySchema } from '../schemas.js';
import type { ZodApp } from './types.js';

const HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off (it reconnects after `retry`): a slow phone must not grow the edge's memory. */
const MAX_BUFFERED_BYTES = 256 * 1024;

/**
 * Live updates over Server-Sent Events: `event` (every appended event), `output` (state and
 * reason changes), `readings` (latest values) and `node` (hello/heartbeat). The token may be
 * sent as ?access_token= because EventSource cannot set headers.
 */
export function registerLiveRoutes(app: ZodApp, edge: Edge): void {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get(
    '/api/live',
    { config: { access: 'viewer', tokenInQuery: true }, schema: { tags: ['live'], summary: 'Server-Sent Events stream of live changes', querystring: LiveQuerySchema } },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 3000\n: connected as ${request.principal?.username ?? ''}\n\n`);
      const send = (name: string, data: unknown) => {
        if (raw.writableEnded) return;
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          close();
          return;
        }
        raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = [
        edge.bus.on('eventAppended', (stored) => send('event', { seq: stored.seq, ...stored.event })),
        edge.bus.on('outputChanged', (change) => send('output', change)),
        edge.bus.on('readingsIngested', (latest) => send('readings', latest)),
        edge.bus.on('nodeSeen', (seen) => send('node', seen)),
      ];
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const close = () => {
        clearInterval(heartbeat);
        for (const off of unsubscribe) off();
        open.delete(close);
        if (!raw.writableEnded) raw.end();
      };
      open.add(close);
      raw.on('close', close);
    },
  );
}
