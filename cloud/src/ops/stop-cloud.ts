import type { FastifyInstance } from 'fastify';
import { waitUntil } from './graceful-shutdown.js';

/**
 * The graceful stop of a listening app: /ready turns 503, no new connection is accepted,
 * requests already received get `drainMs` to finish, then `app.close()` ends the live streams
 * (their clients reconnect elsewhere and resync) and the remaining sockets. `then` runs in order
 * afterwards: writers to flush, pools to end.
 */
export async function stopCloud(app: FastifyInstance, drainMs: number, then: ReadonlyArray<() => Promise<unknown> | unknown> = []): Promise<void> {
  app.operations.draining = true;
  if (app.server.listening) {
    app.server.close();
    app.server.closeIdleConnections();
  }
  await waitUntil(() => app.operations.busyRequests() === 0, drainMs);
  await app.close();
  for (const step of then) await step();
}
