import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgChangeNotifier } from '../../src/db/change-notifier.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** The backend process id of the connection that listens on `channel`. */
async function listenerPid(channel: string): Promise<number> {
  const { rows } = await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1", [`LISTEN ${channel}`]);
  if (rows.length !== 1) throw new Error(`expected one listener, found ${rows.length}`);
  return rows[0]!.pid;
}

describe('PgChangeNotifier', () => {
  it('delivers notifications committed by another connection to every subscriber of the channel', async () => {
    const notifier = new PgChangeNotifier(db.pool);
    try {
      const a: string[] = [];
      const b: string[] = [];
      await notifier.listen('probe_one', (payload) => a.push(payload));
      const unlisten = await notifier.listen('probe_one', (payload) => b.push(payload));
      await db.pool.query("SELECT pg_notify('probe_one', 'first')");
      await vi.waitFor(() => expect([a, b]).toEqual([['first'], ['first']]));
      await unlisten();
      await db.pool.query("SELECT pg_notify('probe_one', 'second')");
      await vi.waitFor(() => expect(a).toEqual(['first', 'second']));
      expect(b).toEqual(['first']);
    } finally {
      await notifier.close();
    }
  });

  it('reconnects after its backend is killed, listens again and reports the gap', async () => {
    const errors: unknown[] = [];
    const notifier = new PgChangeNotifier(db.pool, (error) => errors.push(error));
    try {
      const received: string[] = [];
      let gaps = 0;
      await notifier.listen('probe_two', (payload) => received.push(payload), () => (gaps += 1));
      const killed = await listenerPid('probe_two');
      await db.pool.query('SELECT pg_terminate_backend($1)', [killed]);
      // Sent while nobody listens: lost, which is exactly what the gap signal is for.
      await db.pool.query("SELECT pg_notify('probe_two', 'during the outage')");
      await vi.waitFor(() => expect(gaps).toBe(1), { timeout: 10_000, interval: 50 });
      expect(await listenerPid('probe_two')).not.toBe(killed);
      expect(errors.length).toBeGreaterThan(0);
      await db.pool.query("SELECT pg_notify('probe_two', 'after')");
      await vi.waitFor(() => expect(received).toContain('after'));
    } finally {
      await notifier.close();
    }
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    const notifier = new PgChangeNotifier(db.pool);
    try {
      await expect(notifier.listen('x; DROP TABLE farm', () => undefined)).rejects.toThrow(/invalid channel name/);
    } finally {
      await notifier.close();
    }
  });
});
