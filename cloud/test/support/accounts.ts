import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Role } from '@tokkatot/shared';
import { insertUser } from '../../src/accounts/user-store.js';
import { hashPassword } from '../../src/accounts/passwords.js';

/** The password every account made by these helpers has. */
export const TEST_PASSWORD = 'correct horse battery staple';

// One hash for every test account: argon2 is deliberately slow.
let passwordHash: Promise<string> | undefined;
const testHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

let counter = 0;

/** A signed-in person: their id and an access token on the app's clock. */
export interface TestAccount {
  userId: string;
  accessToken: string;
  email: string;
}

/** Creates an account straight in the database (unique email) and signs its access token. */
export async function createAccount(app: FastifyInstance, pool: pg.Pool, options: { name?: string; admin?: boolean; now?: number } = {}): Promise<TestAccount> {
  counter += 1;
  const email = `person-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const user = await insertUser(pool, { name: options.name ?? `Person ${counter}`, email, passwordHash: await testHash(), admin: options.admin ?? false, now: options.now ?? Date.now() });
  return { userId: user.id, email, accessToken: app.services.accounts.signAccessToken(user.id, user.admin) };
}

/** A member of `farmId` with `role` (the farm is created if missing), and their access token. */
export async function createMember(app: FastifyInstance, pool: pg.Pool, farmId: string, role: Role, options: { name?: string } = {}): Promise<TestAccount> {
  await app.services.store.ensureFarm(farmId, `Farm ${farmId}`);
  const account = await createAccount(app, pool, options);
  await pool.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3)', [farmId, account.userId, role]);
  return account;
}

/** A platform admin, member of no farm. */
export function createAdmin(app: FastifyInstance, pool: pg.Pool, options: { name?: string } = {}): Promise<TestAccount> {
  return createAccount(app, pool, { ...options, admin: true });
}

/** Headers for an account acting on a farm through the sync endpoints. */
export function farmHeaders(account: { accessToken: string }, farmId: string): Record<string, string> {
  return { authorization: `Bearer ${account.accessToken}`, 'x-tokkatot-farm': farmId };
}
