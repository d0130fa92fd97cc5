import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '@tokkatot/sync';
import { CloudCommandExecutor } from '../../src/cloud-link/index.js';
import { T0, seedCoop, startTestEdge, type TestEdge } from '../helpers.js';

function command(overrides: Partial<Command>): Command {
  return { id: 'cmd-1', farmId: 'cloud-farm', type: 'output_on', targetId: 'fan-1', durationSeconds: 600, issuedBy: 'user-9', issuedAt: 5_000, notBefore: 5_000, expiresAt: 125_000, ...overrides };
}

describe('CloudCommandExecutor', () => {
  let test: TestEdge;
  let executor: CloudCommandExecutor;

  beforeEach(async () => {
    test = await startTestEdge();
    seedCoop(test);
    const { registry, arbiter, events, clock } = test.edge;
    executor = new CloudCommandExecutor({ registry, arbiter, events, clock });
  });
  afterEach(async () => test.close());

  const manualInput = () => test.edge.arbiter.inputsOf('fan-1').find((item) => item.source === 'manual')?.input;

  it('sets the manual input "on until now + duration" through the arbiter, the same when run twice', async () => {
    expect(executor.execute(command({}))).toMatchObject({ outcome: 'executed' });
    expect(manualInput()).toMatchObject({ state: 'on', until: T0 + 600_000 });
    expect(executor.execute(command({}))).toMatchObject({ outcome: 'executed' });
    expect(manualInput()).toMatchObject({ state: 'on', until: T0 + 600_000 });
    await test.edge.arbiter.resend('fan-1');
    expect(test.edge.arbiter.decisionOf('fan-1')).toMatchObject({ state: 'on', source: 'manual' });
    const audit = test.edge.events.query({ types: ['user_action'], limit: 10 });
    expect(audit[0]?.event).toMatchObject({ actorId: 'user-9', detail: { cloudCommandId: 'cmd-1', outputId: 'fan-1', type: 'output_on' } });
  });

  it('without a duration holds the override as long as the command window, measured on the edge clock', () => {
    executor.execute(command({ type: 'output_off', durationSeconds: null }));
    expect(manualInput()).toMatchObject({ state: 'off', until: T0 + 120_000 });
  });

  it('output_auto clears the manual input so automation decides again', () => {
    executor.execute(command({}));
    expect(executor.execute(command({ id: 'cmd-2', type: 'output_auto', durationSeconds: null }))).toMatchObject({ outcome: 'executed' });
    expect(manualInput()).toBeUndefined();
  });

  it('rejects what it cannot do safely and changes nothing', () => {
    expect(executor.execute(command({ type: 'run_feeder' }))).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('not supported') });
    expect(executor.execute(command({ targetId: 'fan-404' }))).toMatchObject({ outcome: 'rejected', detail: 'no output fan-404 on this edge' });
    expect(executor.execute(command({ targetId: null }))).toMatchObject({ outcome: 'rejected' });
    expect(executor.execute(command({ durationSeconds: 7200 }))).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('at most 3600 s') });
    test.edge.registry.updateOutput('fan-1', { installed: false }, null);
    expect(executor.execute(command({}))).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('inactive') });
    expect(manualInput()).toBeUndefined();
    expect(test.edge.events.query({ types: ['user_action'], limit: 1000 }).filter((stored) => 'cloudCommandId' in ((stored.event as { detail?: object }).detail ?? {}))).toHaveLength(0);
  });
});
