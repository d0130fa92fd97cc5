import type { Role } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('registry', () => {
  let test: TestEdge;
  let tokens: Record<Role, string>;
  beforeEach(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
  });
  afterEach(async () => test.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, role: Role, payload?: object) =>
    test.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, ...(payload ? { payload } : {}) });

  it('registers a node by hello as unassigned; a manager assigns it and adds outputs; viewers see live coops', async () => {
    test.edge.deviceSink.nodeHello({ nodeId: 'esp-a1', transport: 'mqtt', firmwareVersion: '1.2.0', hardwareRevision: 2, capabilities: { outputs: [{ channel: 0 }] } });
    const nodes = (await call('GET', '/api/nodes', 'viewer')).json().nodes;
    expect(nodes).toEqual([expect.objectContaining({ id: 'esp-a1', coopId: null, online: true, firmwareVersion: '1.2.0', capabilities: { outputs: [{ channel: 0 }] } })]);
    expect((await call('POST', '/api/coops', 'manager', { id: 'coop-a', name: 'Coop A' })).statusCode).toBe(201);
    const early = await call('POST', '/api/outputs', 'manager', { coopId: 'coop-a', nodeId: 'esp-a1', channel: 0, kind: 'fan', name: 'Fan', activeLow: true, failSafeState: 'on', maxOnSeconds: 600, installed: true });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toMatch(/assign the node/);
    expect((await call('PATCH', '/api/nodes/esp-a1', 'manager', { coopId: 'coop-a', name: 'Board A' })).statusCode).toBe(200);
    const created = await call('POST', '/api/outputs', 'manager', { coopId: 'coop-a', nodeId: 'esp-a1', channel: 0, kind: 'fan', name: 'Fan', activeLow: true, failSafeState: 'on', maxOnSeconds: 600, installed: true });
    expect(created.statusCode).toBe(201);
    expect(created.json().output).toMatchObject({ active: true, inactiveReason: null, current: null });
    const coops = (await call('GET', '/api/coops', 'viewer')).json().coops;
    expect(coops[0]).toMatchObject({ id: 'coop-a', outputs: [expect.objectContaining({ name: 'Fan', active: true })], sensors: [], openAlarms: 0 });
    const changes = test.edge.events.query({ types: ['config_changed'], limit: 20 }).map((stored) => (stored.event as { summary: string }).summary);
    expect(changes).toEqual(expect.arrayContaining(['node esp-a1 discovered (firmware 1.2.0)', 'coop "Coop A" added', 'output "Fan" added']));
  });

  it('ignores heartbeats from nodes that never said hello and marks silent nodes offline', async () => {
    expect(test.edge.registry.recordHeartbeat('ghost')).toBe(false);
    test.edge.deviceSink.nodeHello({ nodeId: 'esp-b', transport: 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
    test.clock.advance(61_000);
    expect((await call('GET', '/api/nodes', 'viewer')).json().nodes[0].online).toBe(false);
    test.edge.deviceSink.nodeHeartbeat('esp-b');
    expect((await call('GET', '/api/nodes', 'viewer')).json().nodes[0].online).toBe(true);
  });

  it('keeps farm settings for the owner only, and records the change', async () => {
    expect((await call('PATCH', '/api/farm', 'manager', { name: 'Other' })).statusCode).toBe(403);
    const response = await call('PATCH', '/api/farm', 'owner', { name: 'Sokha farm', timezone: 'Asia/Bangkok' });
    expect(response.json().farm).toMatchObject({ name: 'Sokha farm', timezone: 'Asia/Bangkok' });
    expect((await call('PATCH', '/api/farm', 'owner', { timezone: 'Mars/Olympus' })).statusCode).toBe(400);
  });
});
