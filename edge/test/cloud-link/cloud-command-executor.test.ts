import { rmSync } from 'node:fs';
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
    const { registry, arbiter, events, clock, alarms } = test.edge;
    executor = new CloudCommandExecutor({ registry, arbiter, events, clock, alarms });
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

  it('after a restart puts back a cloud override still running, and none once it was released', async () => {
    executor.execute(command({}));
    executor.execute(command({ id: 'cmd-2', targetId: 'fan-2', type: 'output_off', durationSeconds: 60 }));
    const dir = test.dir;
    // Let the arbiter finish driving before the store closes.
    await test.edge.arbiter.resend('fan-1');
    await test.edge.stop();
    await test.app.close();
    test = await startTestEdge({}, { dir, remove: () => rmSync(dir, { recursive: true, force: true }) });
    test.clock.set(T0 + 120_000);
    const restart = () => new CloudCommandExecutor({ registry: test.edge.registry, arbiter: test.edge.arbiter, events: test.edge.events, clock: test.edge.clock, commands: test.edge.commands });
    expect(manualInput()).toBeUndefined();
    // fan-1's 600 s override still runs; fan-2 does not exist, so its command was rejected and left no audit.
    expect(restart().restore()).toBe(1);
    expect(manualInput()).toMatchObject({ state: 'on', until: T0 + 600_000 });

    // The node has not been heard from since the restart: releasing is still allowed.
    expect(restart().execute(command({ id: 'cmd-3', type: 'output_auto', durationSeconds: null }))).toMatchObject({ outcome: 'executed' });
    expect(manualInput()).toBeUndefined();
    expect(restart().restore()).toBe(0);
  });

  it('after a restart does not put back an override that ended meanwhile', async () => {
    executor.execute(command({}));
    const dir = test.dir;
    await test.edge.arbiter.resend('fan-1');
    await test.edge.stop();
    await test.app.close();
    test = await startTestEdge({}, { dir, remove: () => rmSync(dir, { recursive: true, force: true }) });
    test.clock.set(T0 + 700_000);
    const { registry, arbiter, events, clock, commands } = test.edge;
    expect(new CloudCommandExecutor({ registry, arbiter, events, clock, commands }).restore()).toBe(0);
    expect(manualInput()).toBeUndefined();
  });

  it('acknowledges a raised alarm as the person who sent the command, through the same path as the LAN app', () => {
    const alarm = test.edge.alarms.raise({ kind: 'temperature_high', severity: 'critical', coopId: 'coop-1', subjectId: null, message: 'Coop 1 at 35 °C' });
    const ack = command({ id: 'cmd-ack', type: 'acknowledge_alarm', targetId: alarm.id, durationSeconds: null });
    expect(executor.execute(ack)).toEqual({ outcome: 'executed', detail: `alarm ${alarm.id} (temperature_high) acknowledged by user-9` });
    expect(test.edge.alarms.get(alarm.id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'user-9', acknowledgedAt: T0 });
    const acknowledged = test.edge.events.query({ types: ['alarm_acknowledged'], limit: 10 });
    expect(acknowledged.map((stored) => stored.event)).toEqual([expect.objectContaining({ alarmId: alarm.id, actorId: 'user-9', coopId: 'coop-1' })]);

    // Already acknowledged, cleared, unknown, or without a target: rejected with the reason, nothing recorded.
    expect(executor.execute({ ...ack, id: 'cmd-ack-2' })).toEqual({ outcome: 'rejected', detail: `alarm ${alarm.id} is already acknowledged` });
    const cleared = test.edge.alarms.raise({ kind: 'water_low', severity: 'warning', coopId: 'coop-1', subjectId: null, message: 'Water low' });
    test.edge.alarms.clear(cleared.id);
    expect(executor.execute({ ...ack, id: 'cmd-ack-3', targetId: cleared.id })).toEqual({ outcome: 'rejected', detail: `alarm ${cleared.id} is already cleared` });
    expect(executor.execute({ ...ack, id: 'cmd-ack-4', targetId: 'alarm-404' })).toEqual({ outcome: 'rejected', detail: 'no alarm alarm-404 on this edge' });
    expect(executor.execute({ ...ack, id: 'cmd-ack-5', targetId: null })).toMatchObject({ outcome: 'rejected' });
    expect(test.edge.events.query({ types: ['alarm_acknowledged'], limit: 10 })).toHaveLength(1);
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
