import type pg from 'pg';

/** Stops one subscription. */
export type Unlisten = () => Promise<void>;

/**
 * Where committed changes are announced to every cloud instance. Writers call `pg_notify`
 * inside their transaction (Postgres delivers it only on commit); readers subscribe here.
 * Postgres uses LISTEN on one dedicated connection; the embedded PGlite database, which has a
 * single session, gets its own implementation.
 */
export interface ChangeNotifier {
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
  /** Releases the dedicated connection (after every subscription has stopped). */
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** LISTEN/NOTIFY over one pooled connection shared by every subscription of this instance. */
export class PgChangeNotifier implements ChangeNotifier {
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
    if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${JSON.stringify(channel)}`);
    const client = await this.connection();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await client.query(`LISTEN ${channel}`);
    }
    set.add(onPayload);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(onPayload) || current.size > 0) return;
      this.handlers.delete(channel);
      await this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (!client) return;
    client.removeAllListeners('notification');
    await client.query('UNLISTEN *').catch(() => undefined);
    client.release();
  }

  private async connection(): Promise<pg.PoolClient> {
    if (this.client) return this.client;
    this.connecting ??= this.pool.connect().then((client) => {
      client.on('notification', (message) => {
        for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('error', (error) => this.onError(error));
      this.client = client;
      return client;
    });
    return this.connecting;
  }
}
