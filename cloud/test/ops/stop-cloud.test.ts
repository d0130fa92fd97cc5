import net, { type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCloud } from '../../src/ops/stop-cloud.js';
import { buildTestApp, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
  farm = await createFarm(app, db.pool, 'farm-stop');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('stopCloud', () => {
  it('refuses new connections, lets a request already received finish, ends live streams, then runs the closing steps', async () => {
    // A live stream, open before the stop.
    const stream = await fetch(`http://127.0.0.1:${port}/v1/sync/stream`, { headers: { authorization: `Bearer ${farm.edgeToken}` } });
    let streamText = '';
    let streamEnded = false;
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) streamText += decoder.decode(chunk, { stream: true });
    })()
      .catch(() => undefined)
      .finally(() => (streamEnded = true));
    await until(() => streamText.includes('resync'), 'the stream to open');

    // A request whose body is still arriving when the stop begins.
    const body = JSON.stringify({ edgeName: 'Barn Pi' });
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /v1/pairing/start HTTP/1.1\r\nHost: cloud\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await until(() => app.operations.busyRequests() === 1, 'the request to arrive');

    const steps: string[] = [];
    const stopping = stopCloud(app, 10_000, [() => steps.push('flush readings'), async () => void steps.push('end pool')]);
    expect(app.operations.draining).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(steps).toEqual([]);
    expect(streamEnded).toBe(false);

    socket.write(body.slice(5));
    await stopping;
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ pairingId: expect.any(String) });
    await until(() => streamEnded, 'the live stream to end');
    expect(steps).toEqual(['flush readings', 'end pool']);
    socket.destroy();
  });
});
