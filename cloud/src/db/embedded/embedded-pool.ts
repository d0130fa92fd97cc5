import { PGlite } from '@electric-sql/pglite';
import { PglitePgConnection } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

export interface EmbeddedPoolOptions {
  /**
   * How long a query or `connect()` waits for the session before failing. A caller that holds a
   * client and then queries through the pool would otherwise wait for itself forever.
   */
  waitTimeoutMs?: number;
}

/**
 * A `pg.Pool` over one in-process PGlite database. PGlite has a single session, so the pool has
 * one client: a client taken with `connect()` owns the session (its BEGIN … COMMIT cannot
 * interleave with anything) until `release()`, and `pool.query` waits its turn. Queries travel
 * through node-postgres itself, so parameters, type parsing and errors are exactly those of the
 * Postgres deployment; `totalCount`, `idleCount` and `waitingCount` are the pool's own.
 */
export function createEmbeddedPool(db: PGlite, options: EmbeddedPoolOptions = {}): pg.Pool {
  // One connection object per client: a client dropped after an error must not hand its
  // late 'end' event to the client that replaces it.
  class EmbeddedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connection: new PglitePgConnection({ pglite: db }) } as pg.ClientConfig);
    }

    /**
     * A client replaced after an error may have left a transaction open on the shared session:
     * the new one rolls it back before the pool hands it out (awaited, so no query of the
     * caller's is queued behind it on a busy client — node-postgres stops queueing in 9.0).
     */
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const ready = super.connect().then(() => this.query('ROLLBACK').then(() => this, () => this));
      if (!callback) return ready;
      // node-postgres's callback contract: (null, client) on success, (error) on failure.
      const done = callback as (err: Error | null, client?: pg.Client) => void;
      ready.then((client) => done(null, client), (error: Error) => done(error));
    }
  }
  const pool = new pg.Pool({
    Client: EmbeddedClient as unknown as typeof pg.Client,
    max: 1,
    // The session lives as long as the database; closing an idle client gains nothing.
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: options.waitTimeoutMs ?? 30_000,
  });
  return pool;
}
