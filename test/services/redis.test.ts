import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/services.js';

const clients: Redis[] = [];

/** A client per caller, created on first use so an unavailable server fails each test by name. */
function connect(): Redis {
  const client = new Redis(requireService('redis'), { maxRetriesPerRequest: 1, lazyConnect: false });
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
});

describe('Redis harness', () => {
  it('counts atomically across two connections, as replicas sharing a rate limit do', async () => {
    const [a, b] = [connect(), connect()];
    const key = `harness:count:${process.pid}`;
    await a.del(key);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).incr(key)));
    expect(await b.get(key)).toBe('50');
    await a.del(key);
  });

  it('delivers a publish from one connection to a subscriber on another', async () => {
    const [subscriber, publisher] = [connect(), connect()];
    const channel = `harness:channel:${process.pid}`;
    const received = new Promise<string>((resolve) => subscriber.on('message', (_channel, message) => resolve(message)));
    await subscriber.subscribe(channel);
    await publisher.publish(channel, 'coop-1 changed');
    await expect(received).resolves.toBe('coop-1 changed');
  });
});
