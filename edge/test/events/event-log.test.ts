import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEdge, type TestEdge } from '../helpers.js';

describe('EventLog', () => {
  let test: TestEdge;
  beforeEach(async () => {
    test = await startTestEdge();
  });
  afterEach(async () => test.close());

  it('validates against the shared EventSchema and fills in id, farm and time', () => {
    const { event } = test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'hello' });
    expect(event).toMatchObject({ type: 'user_action', farmId: test.edge.registry.farm().id, ts: test.clock.now() });
    expect(event.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(() => test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'bad\u0000byte' })).toThrow(/control characters/);
  });

  it('announces an event only when the transaction that wrote it committed', async () => {
    const seen: string[] = [];
    test.edge.bus.on('eventAppended', ({ event }) => seen.push((event as { summary: string }).summary));
    test.edge.database.transaction(() => test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'kept' }));
    expect(() =>
      test.edge.database.transaction(() => {
        test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'rolled back' });
        throw new Error('abort');
      }),
    ).toThrow('abort');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['kept']);
    expect(test.edge.events.query({ types: ['user_action'] }).map((stored) => (stored.event as { summary: string }).summary)).not.toContain('rolled back');
  });

  it('does not fail when the store closes right after an append (shutdown)', async () => {
    const seen: string[] = [];
    test.edge.bus.on('eventAppended', ({ event }) => seen.push(event.type));
    test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'last words' });
    test.edge.database.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });
});
