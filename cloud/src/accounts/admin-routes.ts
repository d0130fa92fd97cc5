import type { FastifyInstance } from 'fastify';
import { TokkatotError } from '@tokkatot/shared';
import type { AccountsDeps } from './accounts-deps.js';

/** `/v1/admin/*`: what platform operators see across farms (read-only). */
export async function registerAdminRoutes(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  app.get('/v1/admin/farms', async (request) => {
    const { admin } = await deps.farmAccess.account(request);
    if (!admin) throw new TokkatotError('FORBIDDEN', 'Only platform administrators see every farm.');
    // Last sync = the latest replicated configuration write (small per farm; the upload ledger is not scanned).
    const { rows } = await deps.pool.query<{ id: string; name: string; created_at: Date; owners: number; members: number; edges: number; last_sync_at: Date | null }>(
      `SELECT f.id, f.name, f.created_at,
              (SELECT count(*)::int FROM membership m WHERE m.farm_id = f.id AND m.role = 'owner') AS owners,
              (SELECT count(*)::int FROM membership m WHERE m.farm_id = f.id) AS members,
              (SELECT count(*)::int FROM edge e WHERE e.farm_id = f.id AND e.revoked_at IS NULL) AS edges,
              (SELECT max(d.server_time) FROM sync_doc d WHERE d.farm_id = f.id) AS last_sync_at
         FROM farm f ORDER BY f.created_at DESC, f.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at.getTime(),
      owners: row.owners,
      members: row.members,
      edges: row.edges,
      lastSyncAt: row.last_sync_at?.getTime() ?? null,
    }));
  });
}
