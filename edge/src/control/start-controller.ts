import { join } from 'node:path';
import { AutomationEngine } from '../automation/automation-engine.js';
import { SqliteAutomationStore } from '../db/automation/sqlite-automation-store.js';
import {
  DeviceManager,
  MqttTransport,
  SerialTransport,
  Siren,
  createGpioProvider,
  startSimulatedCoops,
  type DeviceLogger,
  type DeviceTransport,
  type MqttTransportOptions,
  type SimulatedCoops,
} from '../devices/index.js';
import type { Edge } from '../edge.js';
import { AutomationBridge } from './automation-bridge.js';
import type { AutomationTunables } from './automation-config.js';
import { loadAutomationDocuments, saveAutomationDocuments } from './automation-documents.js';
import { createSystemControllerClock, type ControllerClock } from './controller-clock.js';
import { addDemoCoop, type DemoClimate } from './demo-farm.js';
import { DeviceBridge } from './device-bridge.js';
import { DeviceOutputDriver } from './device-output-driver.js';
import { buildNodeConfig, DEFAULT_LINK_SETTINGS, type NodeLinkSettings } from './node-config.js';

export interface ControllerOptions {
  /** The driver handed to createEdge({ driver }); attached to the devices here. */
  driver: DeviceOutputDriver;
  /** Must tell the same time as edge.clock (an accelerated run passes its scaled clock to both). */
  clock?: ControllerClock;
  /** Simulated coops over real pseudo-terminals; default 2 when no serialPaths and no mqtt are given. */
  simulatedCoops?: number;
  simulator?: { dataDir?: string; speed?: number; extraArgs?: string[]; binaryPath?: string };
  serialPaths?: string[];
  mqtt?: MqttTransportOptions;
  /** Lay out a demo coop for each node that says hello, when the registry had no coop at start (default: with simulated coops). */
  demoFarm?: boolean | { climate?: DemoClimate };
  link?: Partial<NodeLinkSettings>;
  tunables?: AutomationTunables;
  /** GPIO pin of the siren relay on the Pi. */
  sirenPin?: number;
  log?: (message: string, detail?: unknown) => void;
  deviceLogger?: DeviceLogger;
}

/** A running controller: the devices, the engine and the bridges between them and the core. */
export interface Controller {
  devices: DeviceManager;
  engine: AutomationEngine;
  deviceBridge: DeviceBridge;
  automationBridge: AutomationBridge;
  simulators: SimulatedCoops | null;
  /** The Pi's siren relay (GPIO; an in-memory fake where the kernel has no GPIO). */
  siren: Siren;
  stop(): Promise<void>;
}

/**
 * Starts the controller over a started edge: simulated coops (or the given serial ports / MQTT
 * broker), the DeviceManager, the automation engine on SQLite, and the bridges that make the
 * engine's decisions the arbiter's inputs and the nodes' reports the engine's inputs.
 */
export async function startController(edge: Edge, options: ControllerOptions): Promise<Controller> {
  const clock = options.clock ?? createSystemControllerClock();
  const log = options.log ?? (() => undefined);
  const link: NodeLinkSettings = { ...DEFAULT_LINK_SETTINGS, ...options.link };
  const meta = edge.repositories.meta;
  const count = options.simulatedCoops ?? (options.serialPaths?.length || options.mqtt ? 0 : 2);
  const demo = (options.demoFarm ?? count > 0) !== false && edge.registry.listCoops().length === 0;
  const demoClimate = typeof options.demoFarm === 'object' ? options.demoFarm.climate : undefined;

  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        log('controller stop step failed', { error: (error as Error).message });
      }
    }
  };
  try {
    let simulators: SimulatedCoops | null = null;
    const serialPaths = [...(options.serialPaths ?? [])];
    if (count > 0) {
      simulators = await startSimulatedCoops({
        count,
        dataDir: options.simulator?.dataDir ?? join(edge.config.dataDir, 'simulated-coops'),
        speed: options.simulator?.speed ?? clock.speed,
        binaryPath: options.simulator?.binaryPath,
        // A second fan stage with an evaporative pad: a plain fan cannot cool a coop below a hot afternoon.
        extraArgs: ['--pad-fan', '--start-hour', String(localHour(clock.now(), edge.registry.farm().timezone)), ...(options.simulator?.extraArgs ?? [])],
      });
      const started = simulators;
      stops.push(() => started.stop());
      serialPaths.push(...started.paths);
    }
    const transports: DeviceTransport[] = [];
    if (serialPaths.length > 0) transports.push(new SerialTransport({ paths: serialPaths, reopenDelayMs: 500, logger: options.deviceLogger }));
    if (options.mqtt) transports.push(new MqttTransport({ ...options.mqtt, logger: options.deviceLogger }));
    const devices = new DeviceManager({
      transports,
      configFor: (hello) => buildNodeConfig(hello, edge.registry, link),
      logger: options.deviceLogger,
    });

    const gpio = createGpioProvider();
    const sirenRelay = new Siren(gpio.openOutput(options.sirenPin ?? 17, { activeLow: false, initiallyActive: false }));
    // Read the documents afresh each time: the web app's schedule and climate edits write them too.
    const automationBridge = new AutomationBridge({ edge, documents: () => loadAutomationDocuments(meta), tunables: options.tunables, log });
    const engine = new AutomationEngine(
      automationBridge.buildConfig(),
      clock,
      new SqliteAutomationStore(edge.database.db),
      { set: (on) => void (on ? sirenRelay.sound() : sirenRelay.silence()).catch((error: unknown) => log('siren relay failed', { error: String(error) })) },
      automationBridge.listeners,
    );
    let reasonsQueued = false;
    const automationInputs = {
      ingestReading: (reading: Parameters<AutomationEngine['ingestReading']>[0]) => {
        engine.ingestReading(reading);
        // Once per batch of readings: refresh the reasons the core shows.
        if (reasonsQueued) return;
        reasonsQueued = true;
        queueMicrotask(() => {
          reasonsQueued = false;
          automationBridge.syncReasons(engine.getDecisions());
        });
      },
      reportNodeSeen: (nodeId: string, at: number) => engine.reportNodeSeen(nodeId, at),
      reportOutputState: (outputId: string, on: boolean, at: number) => engine.reportOutputState(outputId, on, at),
    };
    const deviceBridge = new DeviceBridge({ devices, registry: edge.registry, sink: edge.deviceSink, automation: automationInputs, clock, log });

    options.driver.attach(devices, (outputId) => {
      const output = edge.repositories.registry.getOutput(outputId);
      return output ? { nodeId: output.nodeId, channel: output.channel, dimmable: output.dimmable } : undefined;
    });
    engine.start();
    stops.push(() => engine.stop());
    automationBridge.start(engine);
    stops.push(() => automationBridge.stop());
    deviceBridge.start();
    stops.push(() => deviceBridge.stop());
    if (demo) {
      let index = 0;
      const onDiscovered = ({ nodeId, hello }: { nodeId: string; hello: Parameters<typeof addDemoCoop>[1] }) => {
        if (edge.registry.getNode(nodeId).coopId !== null) return;
        try {
          saveAutomationDocuments(meta, addDemoCoop(edge, hello, ++index, loadAutomationDocuments(meta), demoClimate));
          automationBridge.refresh();
          log('demo coop laid out', { nodeId, coopId: `coop-${index}` });
        } catch (error) {
          log('demo coop not laid out', { nodeId, error: (error as Error).message });
        }
      };
      devices.on('nodeDiscovered', onDiscovered);
      stops.push(() => void devices.off('nodeDiscovered', onDiscovered));
    }
    await devices.start();
    stops.push(() => devices.stop());
    // Runs first on stop (reverse order): no new command, and none left in flight when the devices stop.
    stops.push(() => options.driver.detach());
    return { devices, engine, deviceBridge, automationBridge, simulators, siren: sirenRelay, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The hour of day in the farm's zone, so a simulated coop's sun follows the farm's clock. */
function localHour(at: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return Math.round((hour + minute / 60) * 1000) / 1000;
}
