import type pg from 'pg';

/** Stops one subscription. */
export type Unlisten = () => Promise<void>;

/** What a subscriber is told. */
export interface ChangeListener {
  onPayload: (payload: string) => void;
  /**
   * Announcements may have been missed: the listening connection was lost (Postgres restart,
   * failover, a killed backend) and has just been re-established. Subscribers re-read what they
   * show instead of waiting for a notification that will never come.
   */
  onGap?: () => void;
  /** The listening connection was just lost: nothing will be heard until the gap is reported. */
  onLost?: () => void;
}

/**
 * Where committed changes are announced to every cloud instance. Writers call `pg_notify`
 * inside their transaction (Postgres delivers it only on commit); readers subscribe here.
 * Postgres uses LISTEN on one dedicated connection; the embedded PGlite database, which has a
 * single session, gets its own implementation.
 */
export interface ChangeNotifier {
  listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void, onLost?: () => void): Promise<Unlisten>;
  /** Releases the dedicated connection (after every subscription has stopped). */
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * LISTEN/NOTIFY over one pooled connection shared by every subscription of this instance. When
 * that connection fails it reconnects with backoff, listens again on every channel and tells
 * each subscriber that notifications may have been missed in between.
 */
export class PgChangeNotifier implements ChangeNotifier {
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void, onLost?: () => void): Promise<Unlisten> {
    if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${JSON.stringify(channel)}`);
    const client = await this.connection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await client.query(`LISTEN ${channel}`);
    }
    const listener: ChangeListener = { onPayload, ...(onGap ? { onGap } : {}), ...(onLost ? { onLost } : {}) };
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (!client) return;
    client.removeAllListeners('notification');
    client.removeAllListeners('error');
    client.removeAllListeners('end');
    await client.query('UNLISTEN *').catch(() => undefined);
    client.release();
  }

  private async connection(): Promise<pg.PoolClient> {
    if (this.client) return this.client;
    this.connecting ??= this.pool.connect().then(
      (client) => {
        client.on('notification', (message) => {
          for (const listener of this.listeners.get(message.channel) ?? []) listener.onPayload(message.payload ?? '');
        });
        client.on('error', (error) => this.lost(client, error));
        client.on('end', () => this.lost(client, new Error('the listening connection ended')));
        this.client = client;
        return client;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** The listening connection failed: drop it (destroyed, not returned to the pool) and reconnect. */
  private lost(client: pg.PoolClient, error: unknown): void {
    if (this.closed || this.client !== client) return;
    this.onError(error);
    this.client = undefined;
    this.connecting = undefined;
    client.removeAllListeners('notification');
    try {
      client.release(error instanceof Error ? error : true);
    } catch {
      // Already released by the pool after the error.
    }
    for (const set of this.listeners.values()) for (const listener of set) listener.onLost?.();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.connection();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      this.reconnectDelayMs = RECONNECT_MIN_MS;
    } catch (error) {
      this.onError(error);
      if (this.client) this.lost(this.client, error);
      else this.scheduleReconnect();
      return;
    }
    for (const set of this.listeners.values()) for (const listener of set) listener.onGap?.();
  }
}
