import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

const EDGE_BEARER = /^Bearer edge\.([A-Za-z0-9_-]{1,64})\./;
// Sync traffic is frequent; one presence write per edge this often is plenty for a 2-minute window.
const TOUCH_EVERY_MS = 15_000;

/**
 * Counts an edge's successful sync calls (pull, push, stream, commands) as contact, so a farm
 * that syncs configuration but has nothing to upload still shows online. Ingest records its own
 * contact inside its transaction. Only answered calls count: a 2xx means the credential was good.
 */
export function registerPresenceHook(app: FastifyInstance, deps: { pool: pg.Pool; now: () => number }): void {
  const lastTouch = new Map<string, number>();
  app.addHook('onResponse', (request, reply, done) => {
    done();
    if (reply.statusCode >= 300 || !request.url.startsWith('/v1/sync/')) return;
    const edgeId = EDGE_BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!edgeId) return;
    const now = deps.now();
    if (now - (lastTouch.get(edgeId) ?? -Infinity) < TOUCH_EVERY_MS) return;
    lastTouch.set(edgeId, now);
    if (lastTouch.size > 10_000) lastTouch.clear();
    // Not awaited: contact is best effort and must not hold up the hooks after this one (metrics).
    void deps.pool
      .query(
        `INSERT INTO edge_presence (edge_id, farm_id, last_seen_ms) SELECT id, farm_id, $2 FROM edge WHERE id = $1 AND revoked_at IS NULL
         ON CONFLICT (edge_id) DO UPDATE SET last_seen_ms = GREATEST(edge_presence.last_seen_ms, excluded.last_seen_ms)`,
        [edgeId, now],
      )
      .catch((error: unknown) => request.log.warn({ err: error }, 'edge presence not recorded'));
  });
}
