import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, coopDoc, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let base: string;
let farmA: FarmFixture;
let farmB: FarmFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { streamPageLimit: 3, heartbeatMs: 100 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  farmA = await createFarm(app, db.pool, 'farm-s1');
  farmB = await createFarm(app, db.pool, 'farm-s2');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Opens a stream and collects its raw SSE blocks until closed. */
async function open(token: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/sync/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const blocks: string[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          blocks.push(buffer.slice(0, at));
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  const messages = () => blocks.filter((b) => b.startsWith('data: ')).map((b) => JSON.parse(b.slice(6)) as Record<string, unknown>);
  return { response, blocks, messages, close: async () => (controller.abort(), await reading) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('stream message not received');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('live stream', () => {
  it('starts with a RESYNC, then sends committed writes of the caller farm only, with heartbeats', async () => {
    const a = await open(farmA.ownerToken);
    const b = await open(farmB.edgeToken);
    expect(a.response.headers.get('content-type')).toBe('text/event-stream');
    await until(() => a.messages().length === 1 && b.messages().length === 1);
    expect(a.messages()[0]).toEqual({ collection: '*', resync: true });
    await app.services.store.writeServerDocs('farm-s1', 'coops', [coopDoc('farm-s1', 'c1', 'Coop 1')], 'test');
    await until(() => a.messages().length === 2);
    expect(a.messages()[1]).toMatchObject({ collection: 'coops', documents: [coopDoc('farm-s1', 'c1', 'Coop 1')], checkpoint: { id: 'c1' } });
    await until(() => b.blocks.some((block) => block.startsWith(': heartbeat')));
    expect(b.messages()).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('announces a burst larger than a page as RESYNC for that collection, and hides poison rows', async () => {
    const a = await open(farmA.edgeToken);
    await until(() => a.messages().length === 1);
    await app.services.store.writeServerDocs('farm-s1', 'coops', Array.from({ length: 5 }, (_, i) => coopDoc('farm-s1', `burst${i}`, `B ${i}`)), 'test');
    await until(() => a.messages().length === 2);
    expect(a.messages()[1]).toEqual({ collection: 'coops', resync: true });
    await app.services.store.writeServerDocs('farm-s1', 'coops', [{ ...coopDoc('farm-s1', 'bad', 'x'), name: 7 } as never, coopDoc('farm-s1', 'good', 'Good')], 'test');
    await until(() => a.messages().length === 3);
    expect(a.messages()[2]).toMatchObject({ documents: [{ id: 'good' }], checkpoint: { id: 'good' } });
    await a.close();
  });

  it('ends its streams when the listening database connection was lost, so replicas reconnect and resync', async () => {
    const a = await open(farmA.edgeToken);
    await until(() => a.messages().length === 1);
    const { rows } = await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
    expect(rows).toHaveLength(1);
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // The gap ends every stream (writes may have gone unannounced)...
    await until(() => app.services.hub.size === 0);
    // ...and one opened after the reconnect starts with a RESYNC and receives new writes again.
    const b = await open(farmA.edgeToken);
    await until(() => b.messages().length === 1);
    expect(b.messages()[0]).toMatchObject({ resync: true });
    await app.services.store.writeServerDocs('farm-s1', 'coops', [coopDoc('farm-s1', 'after-gap', 'After', 50)], 'test');
    await until(() => b.messages().some((m) => Array.isArray(m.documents) && (m.documents as Array<{ id: string }>).some((d) => d.id === 'after-gap')));
    await a.close();
    await b.close();
  });

  it('refuses a stream without a valid credential', async () => {
    const response = await fetch(`${base}/v1/sync/stream`, { headers: { authorization: 'Bearer edge.nobody.AAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(response.status).toBe(401);
  });
});
