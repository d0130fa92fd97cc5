import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCESS_CHANNEL, StandingCache } from '../../src/accounts/standing-cache.js';
import { PgChangeNotifier, type ChangeNotifier } from '../../src/db/change-notifier.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("INSERT INTO farm (id, name) VALUES ('farm-a', 'A'), ('farm-b', 'B')");
});

afterAll(async () => {
  await db?.drop();
});

let people = 0;
/** A person with the given memberships, straight in the tables (as another replica's write lands). */
async function person(roles: Record<string, string>, admin = false): Promise<string> {
  people += 1;
  const id = `person-${people}`;
  await db.pool.query('INSERT INTO app_user (id, name, email, password_hash, is_admin) VALUES ($1, $1, $2, $3, $4)', [id, `${id}@example.com`, 'x', admin]);
  for (const [farmId, role] of Object.entries(roles)) await db.pool.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3)', [farmId, id, role]);
  return id;
}

/** The pool, counting the standing reads that reach the database. */
function countingPool(): { pool: Pick<pg.Pool, 'query'>; reads: () => number } {
  let reads = 0;
  const pool = {
    query: ((text: string, values?: unknown[]) => {
      if (text.includes('FROM app_user')) reads += 1;
      return db.pool.query(text, values);
    }) as pg.Pool['query'],
  };
  return { pool, reads: () => reads };
}

async function started(options: { notifier?: ChangeNotifier; pingIntervalMs?: number } = {}) {
  const counting = countingPool();
  const notifier = options.notifier ?? new PgChangeNotifier(db.pool);
  const cache = new StandingCache({ pool: counting.pool, notifier, pingIntervalMs: options.pingIntervalMs ?? 5_000 });
  await cache.start();
  return {
    cache,
    reads: counting.reads,
    async stop() {
      await cache.stop();
      await notifier.close();
    },
  };
}

/** The listening backend, to kill it. */
async function listenerPid(): Promise<number> {
  const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1', [`LISTEN ${ACCESS_CHANNEL}`]);
  if (rows.length !== 1) throw new Error(`expected one listener, found ${rows.length}`);
  return rows[0]!.pid;
}

describe('StandingCache', () => {
  it('answers a second read from memory once announcements are known to flow', async () => {
    const rig = await started();
    try {
      const id = await person({ 'farm-a': 'viewer' });
      await rig.cache.settled();
      const first = await rig.cache.standing(id);
      const second = await rig.cache.standing(id);
      expect([...second!.roles]).toEqual([['farm-a', 'viewer']]);
      expect(second).toBe(first);
      expect(rig.reads()).toBe(1);
    } finally {
      await rig.stop();
    }
  });

  it('forgets a person the moment a membership changes behind it (added, changed, removed)', async () => {
    const rig = await started();
    try {
      const id = await person({ 'farm-a': 'viewer' });
      await rig.cache.standing(id);
      await db.pool.query("INSERT INTO membership (farm_id, user_id, role) VALUES ('farm-b', $1, 'worker')", [id]);
      await rig.cache.settled();
      expect(Object.fromEntries((await rig.cache.standing(id))!.roles)).toEqual({ 'farm-a': 'viewer', 'farm-b': 'worker' });
      await db.pool.query("UPDATE membership SET role = 'manager' WHERE user_id = $1 AND farm_id = 'farm-a'", [id]);
      await rig.cache.settled();
      expect((await rig.cache.standing(id))!.roles.get('farm-a')).toBe('manager');
      await db.pool.query("DELETE FROM membership WHERE user_id = $1 AND farm_id = 'farm-b'", [id]);
      await rig.cache.settled();
      expect((await rig.cache.standing(id))!.roles.has('farm-b')).toBe(false);
    } finally {
      await rig.stop();
    }
  });

  it('hears an account deleted or made admin, and never keeps admins', async () => {
    const rig = await started();
    try {
      const [gone, promoted, admin] = [await person({ 'farm-a': 'owner' }), await person({ 'farm-a': 'viewer' }), await person({}, true)];
      await rig.cache.standing(gone);
      await rig.cache.standing(promoted);
      await db.pool.query('DELETE FROM app_user WHERE id = $1', [gone]);
      await db.pool.query('UPDATE app_user SET is_admin = true WHERE id = $1', [promoted]);
      await rig.cache.settled();
      expect(await rig.cache.standing(gone)).toBeUndefined();
      expect((await rig.cache.standing(promoted))!.admin).toBe(true);
      const before = rig.reads();
      await rig.cache.standing(admin);
      await rig.cache.standing(admin);
      expect(rig.reads() - before).toBe(2);
    } finally {
      await rig.stop();
    }
  });

  it('ignores sign-in bookkeeping on the account row (it changes nothing anyone may see)', async () => {
    const rig = await started();
    try {
      const id = await person({ 'farm-a': 'viewer' });
      await rig.cache.settled();
      await rig.cache.standing(id);
      await db.pool.query('UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = $1', [id]);
      await rig.cache.settled();
      const before = rig.reads();
      await rig.cache.standing(id);
      expect(rig.reads()).toBe(before);
    } finally {
      await rig.stop();
    }
  });

  it('does not keep a read that overlapped a change', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let delayed = false;
    const notifier = new PgChangeNotifier(db.pool);
    const pool = {
      query: (async (text: string, values?: unknown[]) => {
        const result = await db.pool.query(text, values);
        // The first standing read returns only after a change was committed and heard.
        if (text.includes('FROM app_user') && !delayed) {
          delayed = true;
          await gate;
        }
        return result;
      }) as pg.Pool['query'],
    };
    const cache = new StandingCache({ pool, notifier });
    await cache.start();
    try {
      const id = await person({ 'farm-a': 'owner' });
      const stale = cache.standing(id);
      await vi.waitFor(() => expect(delayed).toBe(true));
      await db.pool.query('DELETE FROM membership WHERE user_id = $1', [id]);
      await cache.settled();
      release();
      expect((await stale)!.roles.get('farm-a')).toBe('owner');
      expect((await cache.standing(id))!.roles.size).toBe(0);
    } finally {
      await cache.stop();
      await notifier.close();
    }
  });

  it('reads the tables on every request while its listening connection is down, and trusts memory again after', async () => {
    const rig = await started({ pingIntervalMs: 200 });
    try {
      const id = await person({ 'farm-a': 'viewer' });
      await rig.cache.standing(id);
      await db.pool.query('SELECT pg_terminate_backend($1)', [await listenerPid()]);
      // Removed while nobody listens: the announcement is lost, so memory must not be used.
      await db.pool.query("DELETE FROM membership WHERE user_id = $1 AND farm_id = 'farm-a'", [id]);
      await vi.waitFor(async () => expect((await rig.cache.standing(id))!.roles.size).toBe(0), { timeout: 10_000, interval: 50 });
      await vi.waitFor(() => expect(rig.cache.stats().trusted).toBe(true), { timeout: 10_000, interval: 50 });
      await rig.cache.standing(id);
      const before = rig.reads();
      await rig.cache.standing(id);
      expect(rig.reads()).toBe(before);
    } finally {
      await rig.stop();
    }
  });

  it('stops trusting memory when its own pings stop coming back', async () => {
    // A notifier whose deliveries can be cut while the connection looks healthy (a silent partition).
    const real = new PgChangeNotifier(db.pool);
    let deliver = true;
    const notifier: ChangeNotifier = {
      listen: (channel, onPayload, onGap) => real.listen(channel, (payload) => deliver && onPayload(payload), onGap),
      close: () => real.close(),
    };
    const rig = await started({ notifier, pingIntervalMs: 100 });
    try {
      const id = await person({ 'farm-a': 'viewer' });
      await rig.cache.standing(id);
      deliver = false;
      await vi.waitFor(() => expect(rig.cache.stats().trusted).toBe(false), { timeout: 5_000, interval: 20 });
      const before = rig.reads();
      await rig.cache.standing(id);
      await rig.cache.standing(id);
      expect(rig.reads() - before).toBe(2);
      expect(rig.cache.stats().size).toBe(0);
    } finally {
      await rig.stop();
    }
  });
});
