import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { ChangeNotifier, Unlisten } from '../change-notifier.js';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTEN/NOTIFY on the embedded database. Its one session both notifies and listens, and PGlite
 * hands every notification it sees to `onNotification`. LISTEN goes through the pool so it never
 * lands inside another caller's open transaction (where a rollback would undo it).
 */
export class PgliteChangeNotifier implements ChangeNotifier {
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private stopDelivery: (() => void) | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly pool: pg.Pool,
  ) {}

  async listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
    if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${JSON.stringify(channel)}`);
    this.stopDelivery ??= this.db.onNotification((name, payload) => {
      for (const handler of this.handlers.get(name) ?? []) handler(payload);
    });
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      // Awaited before returning: a notification sent right after listen() resolves must arrive.
      await this.pool.query(`LISTEN ${channel}`);
    }
    set.add(onPayload);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(onPayload) || current.size > 0) return;
      this.handlers.delete(channel);
      await this.pool.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.stopDelivery?.();
    this.stopDelivery = undefined;
    const had = this.handlers.size > 0;
    this.handlers.clear();
    if (had) await this.pool.query('UNLISTEN *').catch(() => undefined);
  }
}
