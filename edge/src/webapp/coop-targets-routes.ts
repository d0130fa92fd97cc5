import type { ClimateRule, Flock } from '@tokkatot/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../clock.js';
import { errorHandler } from '../http/error-handler.js';
import { computeCoopTargets } from './coop-targets.js';
import { requireRole, type Authenticate } from './route-auth.js';

export interface CoopTargetsOptions {
  /** The automation documents' climate rules and flocks. */
  climate: () => { climateRules: ClimateRule[]; flocks: Flock[] };
  clock: Clock;
  timezone: () => string;
  authenticate: Authenticate;
}

/** GET /api/coop-targets (viewer+): what "good / too hot / too cold" is measured against. */
export const coopTargetsRoutes: FastifyPluginAsync<CoopTargetsOptions> = async (app, options) => {
  app.setErrorHandler(errorHandler);
  app.get('/api/coop-targets', { config: { access: 'viewer' }, schema: { tags: ['automation'], summary: 'Each coop’s temperature band in force now' } }, async (request) => {
    requireRole(request, options.authenticate, 'viewer');
    return { targets: computeCoopTargets(options.climate(), options.clock.now(), options.timezone()) };
  });
};
