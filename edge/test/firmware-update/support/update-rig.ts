import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { NodeConfigTemplate } from '../../../src/devices/device-manager.js';
import { DeviceManager, MqttTransport, SerialTransport, SimulatedCoop, type DeviceEventMap } from '../../../src/devices/index.js';
import { FirmwareUpdater, type FirmwareImage, type FirmwareUpdateEvent, type FirmwareUpdaterOptions } from '../../../src/firmware-update/index.js';
import { coopConfig, makeTempDir, nextEvent, requireBrokerUrl } from '../../devices/support.js';

// The rig of the end-to-end update tests: a simulated coop (tokkatot-sim with its A/B slots) on
// a real pseudo-terminal or on the real Mosquitto of scripts/test-services.sh, and the edge's
// device manager in front of it.
export const FACTORY_VERSION = '1.0.0-sim';
export const NEW_VERSION = '1.1.0-sim';
export const IMAGE_BYTES = 48 * 1024;
export const HEATER = 3;
const FARM = 'farm-1';
const PASSWORDS: Record<string, string> = { edge: 'edge-test-pass', 'node-a': 'node-a-test-pass' };

/** Undone after each test, last first: the test file calls runCleanups in afterEach. */
const cleanups: (() => Promise<void> | void)[] = [];
export function addCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A simulator image: its header line, then bytes that differ everywhere (a shifted copy would show). */
export function makeImage(version: string, options: { neverHealthy?: boolean; size?: number } = {}): FirmwareImage {
  const size = options.size ?? IMAGE_BYTES;
  const header = Buffer.from(`TOKKATOT-SIM-IMAGE version=${version}${options.neverHealthy ? ' never-healthy' : ''}\n`);
  const bytes = new Uint8Array(size);
  bytes.set(header);
  let x = 0x12345678;
  for (let i = header.length; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return { manifest: { version, size, sha256: createHash('sha256').update(bytes).digest('hex') }, bytes };
}

export interface Rig {
  coop: SimulatedCoop;
  manager: DeviceManager;
  nodeId: string;
  dataDir: string;
  config: NodeConfigTemplate;
  /** Starts the same coop again on the same data folder (after a kill -9). */
  restart(): Promise<SimulatedCoop>;
}

export type TransportKind = 'serial' | 'mqtt';

/** simArgs go to every start of the simulator (restarts included). */
export async function startRig(kind: TransportKind, simArgs: string[] = []): Promise<Rig> {
  const temp = makeTempDir('tokkatot-fw-update-');
  cleanups.push(temp.remove);
  const nodeId = kind === 'serial' ? 'coop-1' : 'node-a';
  const extraArgs =
    kind === 'serial' ? simArgs : ['--mqtt', requireBrokerUrl(), '--farm-id', FARM, '--password', PASSWORDS[nodeId] as string, ...simArgs];
  const launch = async () => {
    const coop = new SimulatedCoop({ nodeId, dataDir: temp.dir, extraArgs });
    await coop.start();
    cleanups.push(() => coop.kill());
    return coop;
  };
  const coop = await launch();
  const transport =
    kind === 'serial'
      ? new SerialTransport({ paths: [coop.link], reopenDelayMs: 100 })
      : new MqttTransport({ url: requireBrokerUrl(), farmId: FARM, username: 'edge', password: PASSWORDS.edge as string, clientId: `edge-fw-${Date.now()}` });
  const config = coopConfig(2000);
  const manager = new DeviceManager({ transports: [transport], configFor: () => config, commandTimeoutMs: 300 });
  cleanups.push(() => manager.stop());
  const configured = nextEvent(manager, 'nodeConfigured', (e) => e.nodeId === nodeId, 15_000);
  await manager.start();
  await configured;
  return { coop, manager, nodeId, dataDir: temp.dir, config, restart: launch };
}

export function startUpdater(rig: Rig, healthTimeoutS = 30, options: Partial<FirmwareUpdaterOptions> = {}) {
  const events: FirmwareUpdateEvent[] = [];
  const updater = new FirmwareUpdater({
    devices: rig.manager,
    record: (e) => events.push(e),
    healthTimeoutS,
    statusTimeoutMs: 500,
    reconnectTimeoutMs: 20_000,
    ...options,
  });
  return { updater, events };
}

/**
 * A power loss of the node in the middle of a transfer: once the updater reports `afterBytes`
 * transferred, the simulator is killed with -9 and started again on the same flash. `confirmed`
 * is the offset reported just before the cut; `back` settles once the node runs again.
 */
export function cutPowerDuringTransfer(rig: Rig, updater: FirmwareUpdater, afterBytes: number): { readonly confirmed: number; readonly back: Promise<void> } {
  let confirmed = 0;
  let back: Promise<void> | null = null;
  updater.on('progress', (p) => {
    if (p.phase !== 'transfer' || p.offset < afterBytes || back) return;
    confirmed = p.offset;
    back = (async () => {
      await rig.coop.kill('SIGKILL');
      await rig.restart();
    })();
  });
  return {
    get confirmed() {
      return confirmed;
    },
    get back() {
      return back ?? Promise.reject(new Error(`the transfer never reached ${afterBytes} bytes`));
    },
  };
}

/**
 * Every state report from the first one that says "updating" until the end: each output must be
 * in its configured fail-safe state (reason fail_safe), or off from a boot, and never commanded.
 */
export function watchOutputs(rig: Rig) {
  const reports: DeviceEventMap['outputStateReported'][0]['state'][] = [];
  let started = false;
  const onState = (e: DeviceEventMap['outputStateReported'][0]) => {
    if (e.nodeId !== rig.nodeId) return;
    if (e.state.updating) started = true;
    if (started) reports.push(e.state);
  };
  rig.manager.on('outputStateReported', onState);
  return {
    reports,
    stop: () => rig.manager.off('outputStateReported', onState),
    assertFailSafe(): void {
      expect(reports.length).toBeGreaterThan(0);
      for (const report of reports) {
        for (const output of report.outputs) {
          const failSafe = rig.config.outputs.find((o) => o.channel === output.channel)?.failSafe ?? 'off';
          if (output.reason === 'boot') expect(output, `output ${output.channel} after a boot`).toMatchObject({ state: 'off' });
          else expect(output, `output ${output.channel}`).toMatchObject({ reason: 'fail_safe', state: failSafe });
          if (output.channel === HEATER) expect(output.state).toBe('off');
        }
      }
    },
  };
}

export const slotFile = (rig: Rig, slot: 'a' | 'b') => join(rig.dataDir, `${rig.nodeId}.slot-${slot}`);
export const journalKinds = (coop: SimulatedCoop) => coop.readJournal().map((e) => e.kind);
