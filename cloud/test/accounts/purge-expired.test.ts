import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredAccountData } from '../../src/accounts/index.js';
import { issueRefreshToken } from '../../src/accounts/refresh-tokens.js';
import { buildTestApp, T0 } from '../support/cloud-fixture.js';
import { createMember } from '../support/accounts.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const DAY = 24 * 3600_000;

describe('purgeExpiredAccountData', () => {
  it('deletes expired refresh tokens and invitations expired for 30 days, nothing else', async () => {
    const app = await buildTestApp(db.pool);
    try {
      const owner = await createMember(app, db.pool, 'farm-p', 'owner');
      await issueRefreshToken(db.pool, owner.userId, T0);
      await issueRefreshToken(db.pool, owner.userId, T0 + 10 * DAY);
      const invite = (id: string, expiresAt: number) =>
        db.pool.query("INSERT INTO invitation (id, farm_id, code_hash, role, invited_by, expires_at) VALUES ($1, 'farm-p', $1, 'viewer', $2, $3)", [id, owner.userId, new Date(expiresAt)]);
      await invite('old', T0);
      await invite('recent', T0 + 20 * DAY);
      const purged = await purgeExpiredAccountData(db.pool, T0 + 35 * DAY);
      expect(purged).toEqual({ refreshTokens: 1, invitations: 1 });
      expect((await db.pool.query('SELECT id FROM invitation')).rows).toEqual([{ id: 'recent' }]);
    } finally {
      await app.close();
    }
  });
});
