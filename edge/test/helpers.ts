import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@tokkatot/shared';
import { ManualClock } from '../src/clock.js';
import { FakeOutputDriver } from '../src/commands/output-driver.js';
import { EdgeConfigSchema, type EdgeConfig } from '../src/config/index.js';
import { createEdge, type Edge } from '../src/edge.js';
import { buildApp, type EdgeApp } from '../src/http/app.js';

export const T0 = Date.UTC(2026, 5, 1, 6, 0, 0);

/** A fresh temp folder, removed by the returned function. */
export function tempDir(prefix = 'tokkatot-edge-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, overrides: Record<string, unknown> = {}): EdgeConfig {
  return EdgeConfigSchema.parse({ dataDir, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' }, ...overrides });
}

export interface TestEdge {
  edge: Edge;
  app: EdgeApp;
  clock: ManualClock;
  driver: FakeOutputDriver;
  dir: string;
  close: () => Promise<void>;
}

/** A started edge over a temp folder, with a manual clock and an in-memory output driver. */
export async function startTestEdge(overrides: Record<string, unknown> = {}, dir = tempDir()): Promise<TestEdge> {
  const clock = new ManualClock(T0);
  const driver = new FakeOutputDriver();
  const edge = createEdge({ config: testConfig(dir.dir, overrides), clock, driver, passwordCost: { memoryCost: 4096, timeCost: 1 } });
  const app = await buildApp(edge);
  await edge.start();
  return {
    edge,
    app,
    clock,
    driver,
    dir: dir.dir,
    close: async () => {
      await app.close();
      await edge.stop();
      dir.remove();
    },
  };
}

export const ROLES: Role[] = ['owner', 'manager', 'worker', 'viewer'];
export const PASSWORD = 'correct horse battery';

/** Creates one user per role (the owner through first-run setup) and signs each in. */
export async function signInAllRoles(test: TestEdge): Promise<Record<Role, string>> {
  const setup = await test.app.inject({ method: 'POST', url: '/api/setup/owner', payload: { username: 'owner', displayName: 'Owner', password: PASSWORD } });
  if (setup.statusCode !== 201) throw new Error(`setup failed: ${setup.body}`);
  const tokens = {} as Record<Role, string>;
  tokens.owner = await login(test, 'owner');
  for (const role of ['manager', 'worker', 'viewer'] as const) {
    const created = await test.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { authorization: `Bearer ${tokens.owner}` },
      payload: { username: role, displayName: role, password: PASSWORD, role },
    });
    if (created.statusCode !== 201) throw new Error(`user ${role}: ${created.body}`);
    tokens[role] = await login(test, role);
  }
  return tokens;
}

export async function login(test: TestEdge, username: string, password = PASSWORD): Promise<string> {
  const response = await test.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.body}`);
  return response.json<{ accessToken: string }>().accessToken;
}

/** A coop with one online node, a fan output and a temperature sensor, made through the services. */
export function seedCoop(test: TestEdge): { coopId: string; nodeId: string; outputId: string; sensorId: string } {
  const { edge } = test;
  const coop = edge.registry.createCoop({ id: 'coop-1', name: 'Coop 1' }, null);
  edge.registry.recordHello({ nodeId: 'node-1', transport: 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
  edge.registry.updateNode('node-1', { coopId: coop.id }, null);
  const output = edge.registry.createOutput(
    { id: 'fan-1', coopId: coop.id, nodeId: 'node-1', channel: 0, kind: 'fan', name: 'Fan 1', activeLow: true, failSafeState: 'on', maxOnSeconds: 3600, dimmable: false, installed: true },
    null,
  );
  const sensor = edge.registry.createSensor(
    { id: 'temp-1', coopId: coop.id, nodeId: 'node-1', channel: 1, kind: 'temperature', unit: 'degC', name: 'Temp 1', calibration: { offset: 0, scale: 1 }, samplePeriodSeconds: 10, installed: true },
    null,
  );
  return { coopId: coop.id, nodeId: 'node-1', outputId: output.id, sensorId: sensor.id };
}
