import type { Role } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

/** Reads SSE frames from a fetch body until `want` frames have arrived. */
async function readFrames(body: ReadableStream<Uint8Array>, want: number, onOpen: () => Promise<void>): Promise<{ event: string; data: unknown }[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const frames: { event: string; data: unknown }[] = [];
  let buffer = '';
  let opened = false;
  while (frames.length < want) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    if (!opened && buffer.includes(': connected')) {
      opened = true;
      await onOpen();
    }
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) frames.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return frames;
}

describe('live updates over SSE', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  let base: string;
  beforeEach(async () => {
    test = await startTestEdge({ telemetry: { flushIntervalMs: 10, maxBatch: 100 } });
    tokens = await signInAllRoles(test);
    base = await test.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => test.close());

  it('streams output changes with their reason, events and readings to a viewer', async () => {
    const ids = seedCoop(test);
    const response = await fetch(`${base}/api/live?access_token=${tokens.viewer}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const frames = await readFrames(response.body!, 3, async () => {
      await test.edge.arbiter.setInput(ids.outputId, 'climate', { state: 'on', reason: 'coop 1 at 33.1 °C > 32.0 °C' });
      await test.edge.telemetry.ingest([{ sensorId: ids.sensorId, ts: test.clock.now(), status: 'ok', value: 33.1 }]);
    });
    const output = frames.find((frame) => frame.event === 'output');
    expect(output?.data).toMatchObject({ outputId: ids.outputId, state: 'on', source: 'climate', reason: 'coop 1 at 33.1 °C > 32.0 °C', coopId: ids.coopId });
    expect(frames.find((frame) => frame.event === 'event')?.data).toMatchObject({ type: 'output_changed' });
    expect(frames.find((frame) => frame.event === 'readings')?.data).toEqual([{ sensorId: ids.sensorId, ts: test.clock.now(), value: 33.1, failure: null }]);
  });

  it('refuses a stream without a valid token', async () => {
    expect((await fetch(`${base}/api/live`)).status).toBe(401);
    expect((await fetch(`${base}/api/live?access_token=nonsense`)).status).toBe(401);
  });

  it('cuts off a client that stops reading, instead of buffering without bound', async () => {
    const { request } = await import('node:http');
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      request(`${base}/api/live`, { headers: { authorization: `Bearer ${tokens.viewer}` } }, resolve).end();
    });
    response.pause(); // a phone that stopped reading
    // Only SSE clients listen to outputChanged, so its count is the number of open streams.
    await expect.poll(() => test.edge.bus.listenerCount('outputChanged')).toBe(1);
    const big = Array.from({ length: 2000 }, (_, i) => ({ sensorId: `sensor-${i}`, ts: i, value: i, failure: null }));
    for (let i = 0; i < 400 && test.edge.bus.listenerCount('outputChanged') > 0; i++) {
      test.edge.bus.emit('readingsIngested', big);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(test.edge.bus.listenerCount('outputChanged')).toBe(0);
    response.destroy();
  });

  it('drops its listeners when the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/live`, { headers: { authorization: `Bearer ${tokens.viewer}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    expect(test.edge.bus.listenerCount('outputChanged')).toBe(1);
    controller.abort();
    await expect.poll(() => test.edge.bus.listenerCount('outputChanged')).toBe(0);
  });
});
