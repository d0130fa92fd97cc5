import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMessage } from '@tokkatot/shared';
import { EdgeConfigSchema } from '../../src/config/index.js';
import { createScaledControllerClock, createSystemControllerClock, DeviceOutputDriver, startController, type Controller, type ControllerClock } from '../../src/control/index.js';
import { createEdge, type Edge } from '../../src/edge.js';
import { buildApp, type EdgeApp } from '../../src/http/app.js';

/** Channels of the simulated coop board (firmware/port-posix/main.c). */
export const CHANNEL = { feeder: 0, conveyor: 1, fan: 2, heater: 3, light: 4, pump: 5, padFan: 6 } as const;

export interface ControlledEdge {
  edge: Edge;
  app: EdgeApp;
  controller: Controller;
  clock: ControllerClock;
  /** An owner's access token for the API. */
  token: string;
  close(): Promise<void>;
}

/**
 * A started edge with its controller over simulated coops on real pseudo-terminals, and an owner
 * signed in. `speed` > 1 runs simulated time (engine, core and coop physics) from `startAt`.
 */
export async function startControlledEdge(options: { coops?: number; speed?: number; startAt?: number; extraArgs?: string[] } = {}): Promise<ControlledEdge> {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-control-'));
  const speed = options.speed ?? 1;
  const clock = speed === 1 && options.startAt === undefined ? createSystemControllerClock() : createScaledControllerClock({ startAt: options.startAt ?? Date.now(), speed });
  const driver = new DeviceOutputDriver();
  const config = EdgeConfigSchema.parse({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    // Heartbeats come every 250 wall ms, which is minutes of simulated time at high speed.
    nodes: { offlineAfterSeconds: Math.max(60, Math.ceil(speed * 5)) },
  });
  const edge = createEdge({ config, clock, driver, passwordCost: { memoryCost: 4096, timeCost: 1 } });
  const app = await buildApp(edge);
  await edge.start();
  let controller: Controller | undefined;
  const close = async () => {
    await controller?.stop();
    await app.close();
    await edge.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    controller = await startController(edge, {
      driver,
      clock,
      simulatedCoops: options.coops ?? 1,
      simulator: { extraArgs: options.extraArgs ?? [] },
      link: { linkTimeoutMs: 2000, heartbeatPeriodMs: 250, samplePeriodMs: 200 },
    });
    const setup = await app.inject({ method: 'POST', url: '/api/setup/owner', payload: { username: 'owner', displayName: 'Owner', password: 'correct horse battery' } });
    if (setup.statusCode !== 201) throw new Error(`owner setup failed: ${setup.body}`);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'owner', password: 'correct horse battery' } });
    const token = login.json<{ accessToken: string }>().accessToken;
    return { edge, app, controller, clock, token, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One output's entry in a node's state report. */
export const reportedChannel = (state: StateMessage | null | undefined, channel: number) => state?.outputs.find((o) => o.channel === channel);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an assertion until it passes (for state that settles over several frames). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}
