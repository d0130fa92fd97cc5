import type { FastifyInstance } from 'fastify';
import type { AccountsDeps } from './accounts-deps.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerFarmRoutes } from './farm-routes.js';
import { registerInvitationRoutes } from './invitation-routes.js';

export { audit, listAudit, type AuditEntry, type AuditRecord } from './audit.js';
export { createAccountServices, type AccountServices } from './account-services.js';
export { createFarmAccess } from './create-farm-access.js';
export { StandingCache, ACCESS_CHANNEL, type AccountStanding } from './standing-cache.js';
export { type Queryable } from './farm-role.js';
export { type AccountsDeps } from './accounts-deps.js';
export { purgeExpiredAccountData } from './purge-expired.js';

/** The accounts module (docs/cloud/api.md, "Accounts"): sign-in, farms, members, invitations, admin. */
export async function registerAccounts(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  await registerAuthRoutes(app, deps);
  await registerFarmRoutes(app, deps);
  await registerInvitationRoutes(app, deps);
  await registerAdminRoutes(app, deps);
}
