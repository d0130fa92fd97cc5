import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCoop, startTestEdge, type TestEdge } from '../helpers.js';

describe('OutputArbiter', () => {
  let test: TestEdge;
  let outputId: string;
  beforeEach(async () => {
    test = await startTestEdge();
    outputId = seedCoop(test).outputId;
  });
  afterEach(async () => test.close());

  const outputEvents = () =>
    test.edge.events.query({ types: ['output_changed'], limit: 100 }).map((stored) => stored.event).reverse() as { state: string; source: string; reason: string }[];

  it('lets the highest-priority live input decide, with its reason, in the order safety > manual > climate > schedule > default', async () => {
    const { arbiter } = test.edge;
    await arbiter.setInput(outputId, 'schedule', { state: 'on', reason: 'feeder schedule 06:00' });
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'on', source: 'schedule', reason: 'feeder schedule 06:00' });
    await arbiter.setInput(outputId, 'climate', { state: 'off', reason: 'coop 1 at 24 °C < 26 °C' });
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'off', source: 'climate' });
    await arbiter.setInput(outputId, 'manual', { state: 'on', reason: 'manual by sok', until: test.clock.now() + 60_000 });
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'on', source: 'manual' });
    await arbiter.setInput(outputId, 'fail_safe', { state: 'off', reason: 'node lost the Pi' });
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'off', source: 'fail_safe' });
    await arbiter.setInput(outputId, 'fail_safe', null);
    await arbiter.setInput(outputId, 'manual', null);
    await arbiter.setInput(outputId, 'climate', null);
    await arbiter.setInput(outputId, 'schedule', null);
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'off', source: 'default' });
    expect(outputEvents().map((event) => `${event.state}/${event.source}`)).toEqual(['on/schedule', 'off/climate', 'on/manual', 'off/fail_safe', 'on/manual', 'off/climate', 'on/schedule', 'off/default']);
    expect(test.edge.repositories.outputState.get(outputId)).toMatchObject({ state: 'off', source: 'default' });
  });

  it('drives the output only when its state changes, and not at all while it is inactive', async () => {
    const { arbiter } = test.edge;
    await arbiter.setInput(outputId, 'schedule', { state: 'on', reason: 'a' });
    await arbiter.setInput(outputId, 'schedule', { state: 'on', reason: 'b' });
    expect(test.driver.calls).toEqual([{ outputId, state: 'on', level: undefined }]);
    expect(arbiter.decisionOf(outputId)?.reason).toBe('b');
    test.clock.advance(10 * 60_000); // node silent: offline
    const result = await arbiter.setInput(outputId, 'schedule', { state: 'off', reason: 'c' });
    expect(result.ack).toBeNull();
    expect(test.driver.calls).toHaveLength(1);
  });

  it('drops an expired input by itself and hands the output back to the next one', async () => {
    const { arbiter } = test.edge;
    const expired: string[] = [];
    arbiter.onInputExpired((_id, source) => expired.push(source));
    await arbiter.setInput(outputId, 'schedule', { state: 'off', reason: 'rest' });
    await arbiter.setInput(outputId, 'manual', { state: 'on', reason: 'manual', until: test.clock.now() + 1000 });
    test.clock.advance(1000);
    await arbiter.expireDue();
    expect(expired).toEqual(['manual']);
    expect(arbiter.decisionOf(outputId)).toMatchObject({ state: 'off', source: 'schedule' });
  });

  it('reports a driver failure in the result and retries the same state next time', async () => {
    const { arbiter } = test.edge;
    test.driver.failWith = 'no answer from node-1';
    const failed = await arbiter.setInput(outputId, 'schedule', { state: 'on', reason: 'a' });
    expect(failed.ack).toEqual({ ok: false, error: 'no answer from node-1' });
    test.driver.failWith = null;
    const retried = await arbiter.resend(outputId);
    expect(retried.ack).toEqual({ ok: true });
    expect(test.driver.states.get(outputId)).toEqual({ state: 'on', level: undefined });
  });
});
