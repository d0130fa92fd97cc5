import type { FastifyPluginAsync } from 'fastify';
import type { EventLog } from '../events/event-log.js';
import { errorHandler } from '../http/error-handler.js';
import { requireRole, type Authenticate } from './route-auth.js';

export interface SirenOptions {
  /** Silences the local siren relay (Siren.silence from edge/src/devices/gpio). */
  silenceSiren: () => Promise<void>;
  /** Whether the siren sounds now; without it the state is reported as unknown (null). */
  isSounding?: () => boolean;
  events: Pick<EventLog, 'append'>;
  authenticate: Authenticate;
}

/** GET /api/siren (viewer+) and POST /api/siren/silence (worker+), logged as a user action. */
export const sirenRoutes: FastifyPluginAsync<SirenOptions> = async (app, options) => {
  app.setErrorHandler(errorHandler);
  const state = () => ({ sounding: options.isSounding ? options.isSounding() : null });

  app.get('/api/siren', { config: { access: 'viewer' }, schema: { tags: ['alarms'], summary: 'Whether the siren sounds' } }, async (request) => {
    requireRole(request, options.authenticate, 'viewer');
    return state();
  });

  app.post('/api/siren/silence', { config: { access: 'worker' }, schema: { tags: ['alarms'], summary: 'Silence the siren (alarms stay open)' } }, async (request) => {
    const actor = requireRole(request, options.authenticate, 'worker');
    await options.silenceSiren();
    options.events.append({ type: 'user_action', coopId: null, actorId: actor.userId, summary: 'silenced the siren' });
    return state();
  });
};
