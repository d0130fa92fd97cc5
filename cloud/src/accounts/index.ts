import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { FarmAccess } from '../http/farm-access.js';
import type { AccountServices } from './account-services.js';

export { audit, listAudit, type AuditEntry, type AuditRecord } from './audit.js';
export { createAccountServices, type AccountServices } from './account-services.js';
export { createFarmAccess } from './create-farm-access.js';
export { type Queryable } from './farm-role.js';

export interface AccountsDeps {
  pool: pg.Pool;
  farmAccess: FarmAccess;
  accounts: AccountServices;
  now: () => number;
}

/** The accounts module (docs/cloud/api.md, "Accounts"): sign-in, farms, members, invitations, admin. */
export async function registerAccounts(_app: FastifyInstance, _deps: AccountsDeps): Promise<void> {
  // Routes follow.
}
