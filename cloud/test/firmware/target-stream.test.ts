import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
let app: FastifyInstance;
let base: string;
let admin: TestAccount;
let farm: FarmFixture;
const key = createReleaseKey();
const image = fakeImage();

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-stream');
  storage = bucket.storage();
  app = await buildTestApp(db.pool, { dashboard: false, heartbeatMs: 200, firmware: { storage, trustedKeys: [key.publicBase64] } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  admin = await createAdmin(app, db.pool);
  farm = await createFarm(app, db.pool, 'farm-streamed');
  await bucket.publish([{ release: signRelease(key, '2.0.0', image), image }]);
  expect((await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: { authorization: `Bearer ${admin.accessToken}` } })).json().added).toEqual(['2.0.0/tokkatot-node-esp32']);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

/** The edge's live stream, collecting its data messages. */
async function openStream(token: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/sync/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const messages: Array<Record<string, unknown>> = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (block.startsWith('data: ')) messages.push(JSON.parse(block.slice(6)));
        }
      }
    } catch {
      // aborted
    }
  })();
  return { messages, close: async () => (controller.abort(), await reading) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('stream message not received');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const targetMessages = (messages: Array<Record<string, unknown>>) => messages.filter((message) => message.collection === 'firmware_targets');

describe('firmware targets on the live stream', () => {
  it("announces a rollout and a settings change to the farm's edge as firmware_targets documents", async () => {
    const stream = await openStream(farm.edgeToken);
    await until(() => stream.messages.length === 1);
    await app.inject({ method: 'PUT', url: '/v1/admin/firmware/channels/stable', headers: { authorization: `Bearer ${admin.accessToken}` }, payload: { version: '2.0.0', percent: 100 } });
    await until(() => targetMessages(stream.messages).length === 1);
    expect(targetMessages(stream.messages)[0]).toMatchObject({ documents: [{ id: farm.farmId, release: { version: '2.0.0' }, paused: false }] });
    const owner = await createMember(app, db.pool, farm.farmId, 'owner');
    await app.inject({ method: 'PUT', url: `/v1/farms/${farm.farmId}/firmware`, headers: { authorization: `Bearer ${owner.accessToken}` }, payload: { paused: true } });
    await until(() => targetMessages(stream.messages).length === 2);
    expect(targetMessages(stream.messages)[1]).toMatchObject({ documents: [{ id: farm.farmId, paused: true }] });
    await stream.close();
  });
});
