import { rmSync } from 'node:fs';
import type { Role } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEdge } from '../../src/edge.js';
import { seedCoop, signInAllRoles, startTestEdge, testConfig, type TestEdge } from '../helpers.js';

describe('manual control', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  let ids: ReturnType<typeof seedCoop>;
  beforeEach(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
    ids = seedCoop(test);
  });
  afterEach(async () => test.close());

  const manual = (payload: object, token = tokens.worker, outputId = ids.outputId) =>
    test.app.inject({ method: 'POST', url: `/api/outputs/${outputId}/manual`, headers: { authorization: `Bearer ${token}` }, payload });

  it('switches an output with user, reason and expiry, audited, through the arbiter', async () => {
    const response = await manual({ state: 'on', reason: 'cleaning the coop', durationSeconds: 600 });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.decision).toMatchObject({ state: 'on', source: 'manual', reason: 'manual by worker: cleaning the coop' });
    expect(body.confirmed).toBe(true);
    expect(body.command).toMatchObject({ state: 'on', reason: 'cleaning the coop', status: 'active', expiresAt: test.clock.now() + 600_000 });
    expect(body.output.current).toMatchObject({ state: 'on', source: 'manual' });
    expect(test.driver.states.get(ids.outputId)?.state).toBe('on');
    const types = test.edge.events.query({ limit: 20 }).map((stored) => stored.event.type);
    expect(types).toEqual(expect.arrayContaining(['user_action', 'output_changed', 'command_result']));
  });

  it('refuses an inactive output (not installed, or node offline) with OUTPUT_INACTIVE', async () => {
    test.edge.registry.updateOutput(ids.outputId, { installed: false }, null);
    const uninstalled = await manual({ state: 'on', reason: 'x', durationSeconds: 60 });
    expect(uninstalled.statusCode).toBe(409);
    expect(uninstalled.json().error).toMatchObject({ code: 'OUTPUT_INACTIVE', details: { inactiveReason: 'not_installed' } });
    test.edge.registry.updateOutput(ids.outputId, { installed: true }, null);
    test.clock.advance(5 * 60_000);
    const offline = await manual({ state: 'on', reason: 'x', durationSeconds: 60 });
    expect(offline.json().error.details.inactiveReason).toBe('node_offline');
    const list = await test.app.inject({ method: 'GET', url: '/api/outputs', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(list.json().outputs[0]).toMatchObject({ active: false, inactiveReason: 'node_offline' });
  });

  it('refuses an ON longer than the output’s maximum run and a level on a non-dimmable output', async () => {
    expect((await manual({ state: 'on', reason: 'x', durationSeconds: 7200 })).json().error.message).toMatch(/at most 3600 s/);
    expect((await manual({ state: 'on', level: 50, reason: 'x', durationSeconds: 60 })).json().error.message).toMatch(/does not dim/);
    expect((await manual({ state: 'on', durationSeconds: 60 })).statusCode).toBe(400);
    expect((await manual({ state: 'on', reason: 'x' })).statusCode).toBe(400);
  });

  it('ends by itself at its expiry, recording the outcome', async () => {
    await manual({ state: 'on', reason: 'short', durationSeconds: 30 });
    test.clock.advance(30_000);
    await test.edge.arbiter.expireDue();
    expect(test.edge.arbiter.decisionOf(ids.outputId)).toMatchObject({ state: 'off', source: 'default' });
    const results = test.edge.events.query({ types: ['command_result'], limit: 10 }).map((stored) => stored.event as { outcome: string });
    expect(results.map((event) => event.outcome)).toEqual(['expired', 'executed']);
    expect(test.edge.commands.activeFor(ids.outputId)).toBeUndefined();
  });

  it('is released early by a worker, and a newer command supersedes an older one', async () => {
    const first = (await manual({ state: 'on', reason: 'one', durationSeconds: 600 })).json().command.id;
    await manual({ state: 'off', reason: 'two', durationSeconds: 600 });
    expect(test.edge.repositories.commands.get(first)?.status).toBe('superseded');
    const release = await test.app.inject({ method: 'DELETE', url: `/api/outputs/${ids.outputId}/manual`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(release.statusCode).toBe(200);
    expect(release.json().decision).toMatchObject({ source: 'default' });
    const again = await test.app.inject({ method: 'DELETE', url: `/api/outputs/${ids.outputId}/manual`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(again.statusCode).toBe(404);
  });

  it('survives a restart: an unexpired override is restored, an expired one is closed', async () => {
    await manual({ state: 'on', reason: 'keep on', durationSeconds: 600 });
    await test.app.close();
    await test.edge.stop();
    const restarted = createEdge({ config: testConfig(test.dir), clock: test.clock, driver: test.driver });
    await restarted.start();
    expect(restarted.arbiter.decisionOf(ids.outputId)).toMatchObject({ state: 'on', source: 'manual' });
    restarted.registry.recordHeartbeat(ids.nodeId);
    await restarted.stop();
    test.clock.advance(601_000);
    const later = createEdge({ config: testConfig(test.dir), clock: test.clock, driver: test.driver });
    await later.start();
    expect(later.arbiter.decisionOf(ids.outputId)).toMatchObject({ state: 'off', source: 'default' });
    expect(later.commands.activeFor(ids.outputId)).toBeUndefined();
    await later.stop();
    // A fresh edge over the same folder, for the shared close() in afterEach.
    const dir = test.dir;
    test = await startTestEdge({}, { dir, remove: () => rmSync(dir, { recursive: true, force: true }) });
  });
});
