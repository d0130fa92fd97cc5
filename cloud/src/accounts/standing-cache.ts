import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { RoleSchema, type Role } from '@tokkatot/shared';
import type { ChangeNotifier, Unlisten } from '../db/change-notifier.js';

/** Where membership, account and farm changes are announced (migration 008-access-notify.sql). */
export const ACCESS_CHANNEL = 'tokkatot_access';

/** A person's account and memberships as the tables said when they were read. */
export interface AccountStanding {
  admin: boolean;
  roles: ReadonlyMap<string, Role>;
}

export interface StandingCacheOptions {
  pool: Pick<pg.Pool, 'query'>;
  notifier: ChangeNotifier;
  now?: () => number;
  /** Upper bound on how long an entry is trusted even if nothing was announced (default 60 s). */
  ttlMs?: number;
  /** How often the cache checks that its own announcements still come back (default 5 s). */
  pingIntervalMs?: number;
  /** Largest number of people kept (default 50,000; the least recently read go first). */
  maxEntries?: number;
}

/**
 * Keeps who-may-see-which-farm in memory so a hot read (the farms overview, a chart) needs no
 * query for its authorisation, without ever trusting a role for longer than the database says.
 *
 * Every change to a membership, an account's admin flag or the set of farms is announced by a
 * trigger (Postgres NOTIFY, delivered on commit to every replica); an announcement drops the
 * person's entry, a `*` drops all. The cache is used only while announcements demonstrably
 * arrive: it sends itself a ping every few seconds, and if one does not come back in time — or
 * the listening connection was lost — it empties itself and reads the tables on every request
 * until pings flow again. A read that overlaps any announcement is not kept, so an entry can
 * never be older than a change it did not see. Platform admins are not cached (they read every
 * farm; rare and cheap to look up).
 */
export class StandingCache {
  private readonly entries = new Map<string, { standing: AccountStanding; loadedAt: number }>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly pingIntervalMs: number;
  private readonly maxEntries: number;
  private readonly instance = randomUUID();
  /** Bumped by every announcement and every loss of trust: reads that began before are not kept. */
  private epoch = 0;
  private listening = false;
  private lastPongAt = -Infinity;
  private pingTimer: NodeJS.Timeout | undefined;
  private unlisten: Unlisten | undefined;
  private readonly barriers = new Map<string, () => void>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly options: StandingCacheOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  async start(): Promise<void> {
    this.unlisten = await this.options.notifier.listen(
      ACCESS_CHANNEL,
      (payload) => this.announced(payload),
      () => this.distrust(),
      () => this.distrust(),
    );
    this.listening = true;
    // Trusted from the first answer to our own announcement.
    await this.settled();
    this.pingTimer = setInterval(() => void this.ping().catch(() => this.distrust()), this.pingIntervalMs);
    this.pingTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.pingTimer);
    this.listening = false;
    this.distrust();
    await this.unlisten?.();
    for (const release of this.barriers.values()) release();
    this.barriers.clear();
  }

  /** The person's standing: from memory when it can be trusted, else read now (and kept if it may be). */
  async standing(userId: string): Promise<AccountStanding | undefined> {
    const trusted = this.trusted();
    if (trusted) {
      const entry = this.entries.get(userId);
      if (entry && this.now() - entry.loadedAt < this.ttlMs) {
        // Re-insert so the map's order is least recently read first.
        this.entries.delete(userId);
        this.entries.set(userId, entry);
        this.hits += 1;
        return entry.standing;
      }
    }
    this.misses += 1;
    const epoch = this.epoch;
    const standing = await readStanding(this.options.pool, userId);
    if (standing && !standing.admin && trusted && this.trusted() && epoch === this.epoch) this.keep(userId, standing);
    return standing;
  }

  /**
   * Resolves once every change committed before this call has been heard: a ping sent now comes
   * back after them (Postgres delivers notifications in commit order). For a writer that must see
   * its own change on the next read, and for tests that change memberships behind the API.
   */
  async settled(timeoutMs = 2_000): Promise<void> {
    if (!this.listening) return;
    const token = `barrier:${this.instance}:${randomUUID()}`;
    const heard = new Promise<void>((resolve) => this.barriers.set(token, resolve));
    await this.options.pool.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, token]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([heard, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    if (this.barriers.delete(token)) this.distrust();
  }

  /** Hits and misses since start, for the metrics. */
  stats(): { hits: number; misses: number; size: number; trusted: boolean } {
    return { hits: this.hits, misses: this.misses, size: this.entries.size, trusted: this.trusted() };
  }

  private trusted(): boolean {
    if (!this.listening) return false;
    if (this.now() - this.lastPongAt < 3 * this.pingIntervalMs) return true;
    // Pings stopped coming back: what is kept may have missed announcements.
    if (this.entries.size > 0) this.distrust();
    return false;
  }

  private keep(userId: string, standing: AccountStanding): void {
    this.entries.set(userId, { standing, loadedAt: this.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private async ping(): Promise<void> {
    const token = `ping:${this.instance}:${this.now()}`;
    await this.options.pool.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, token]);
  }

  private announced(payload: string): void {
    if (payload.startsWith(`ping:${this.instance}:`)) {
      this.heardOwn();
      return;
    }
    if (payload.startsWith('ping:')) return;
    if (payload.startsWith('barrier:')) {
      if (payload.startsWith(`barrier:${this.instance}:`)) this.heardOwn();
      this.barriers.get(payload)?.();
      this.barriers.delete(payload);
      return;
    }
    this.epoch += 1;
    if (payload === '*') this.entries.clear();
    else this.entries.delete(payload);
  }

  /** One of our own announcements came back: announcements flow (again). */
  private heardOwn(): void {
    if (!this.trusted()) this.epoch += 1;
    this.lastPongAt = this.now();
  }

  /** Announcements may have been missed: forget everything until pings come back. */
  private distrust(): void {
    this.epoch += 1;
    this.lastPongAt = -Infinity;
    this.entries.clear();
  }
}

/** One query: the account (undefined when gone), its admin flag and every membership. */
export async function readStanding(pool: Pick<pg.Pool, 'query'>, userId: string): Promise<AccountStanding | undefined> {
  const { rows } = await pool.query<{ is_admin: boolean; farm_id: string | null; role: string | null }>(
    `SELECT u.is_admin, m.farm_id, m.role
       FROM app_user u LEFT JOIN membership m ON m.user_id = u.id
      WHERE u.id = $1`,
    [userId],
  );
  if (!rows[0]) return undefined;
  const roles = new Map<string, Role>();
  for (const row of rows) if (row.farm_id !== null && row.role !== null) roles.set(row.farm_id, RoleSchema.parse(row.role));
  return { admin: rows[0].is_admin, roles };
}
