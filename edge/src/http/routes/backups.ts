import type { Edge } from '../../edge.js';
import { backupsDir, createBackup, listBackups } from '../../backup/backup-service.js';
import type { ZodApp } from './types.js';

/** Online backups into the data folder (owner only). Restoring needs the edge stopped: `tokkatot restore`. */
export function registerBackupRoutes(app: ZodApp, edge: Edge): void {
  app.get('/api/backups', { config: { access: 'owner' }, schema: { tags: ['backup'], summary: 'Backups in the data folder' } }, async () => ({
    backups: listBackups(backupsDir(edge.config.dataDir)),
  }));
  app.post('/api/backups', { config: { access: 'owner' }, schema: { tags: ['backup'], summary: 'Take an online backup now' } }, async (request, reply) => {
    const backup = await createBackup(edge.database, backupsDir(edge.config.dataDir), edge.clock.now());
    edge.events.append({ type: 'user_action', coopId: null, actorId: request.principal?.userId ?? null, summary: `backup written: ${backup.file}`, detail: { bytes: backup.bytes } });
    return reply.code(201).send({ backup });
  });
}
