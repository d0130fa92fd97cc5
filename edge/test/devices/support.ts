import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { DeviceEventMap, DeviceManager, NodeConfigTemplate } from '../../src/devices/index.js';

/** A temp folder removed by the returned function. */
export function makeTempDir(prefix = 'tokkatot-devices-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves with the first event payload the predicate accepts, or rejects naming what was awaited. */
export function nextEvent<K extends keyof DeviceEventMap>(
  emitter: DeviceManager,
  event: K,
  predicate: (payload: DeviceEventMap[K][0]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<DeviceEventMap[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: DeviceEventMap[K][0]) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener as never);
      resolve(payload);
    };
    emitter.on(event, listener as never);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the check passes (for things observed in files or snapshots). */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The configuration of the simulated coop board, with short timings for tests. */
export function coopConfig(linkTimeoutMs = 2000): NodeConfigTemplate {
  return {
    linkTimeoutMs,
    heartbeatPeriodMs: 250,
    outputs: [
      { channel: 0, failSafe: 'off', maxOnS: 900 },
      { channel: 1, failSafe: 'off', maxOnS: 1200 },
      { channel: 2, failSafe: 'on', maxOnS: 86_400 },
      { channel: 3, failSafe: 'off', maxOnS: 3600 },
      { channel: 4, failSafe: 'on', maxOnS: 86_400 },
      { channel: 5, failSafe: 'off', maxOnS: 600 },
    ],
    sensors: [
      { channel: 0, samplePeriodMs: 500, offset: 0, scale: 1 },
      { channel: 1, samplePeriodMs: 500, offset: 0, scale: 1 },
      { channel: 2, samplePeriodMs: 1000, offset: 0, scale: 1 },
    ],
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

/** The Mosquitto started by scripts/test-services.sh; a test without it fails by name. */
export function requireBrokerUrl(): string {
  const services = inject('services');
  if (!services.MQTT_URL) throw new Error(`Mosquitto is unavailable for this test: ${services.MQTT_ERROR ?? 'not started by scripts/test-services.sh'}`);
  return services.MQTT_URL;
}
