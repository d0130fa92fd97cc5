import type pg from 'pg';
import type { FarmAccess } from '../http/farm-access.js';
import type { AccountServices } from './account-services.js';

/** What the accounts routes get from the app. */
export interface AccountsDeps {
  pool: pg.Pool;
  farmAccess: FarmAccess;
  accounts: AccountServices;
  now: () => number;
}
