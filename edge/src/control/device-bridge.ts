import type { HelloMessage, OutputReason, Reading } from '@tokkatot/shared';
import type { AutomationEngine } from '../automation/automation-engine.js';
import type { Clock } from '../clock.js';
import type { DeviceEventMap, DeviceManager } from '../devices/index.js';
import type { DeviceSink } from '../registry/device-sink.js';
import type { NodeHello, RegistryService } from '../registry/registry-service.js';

/** The engine inputs the device layer feeds. */
export type AutomationInputs = Pick<AutomationEngine, 'ingestReading' | 'reportNodeSeen' | 'reportOutputState'>;

/** An output's state as its node last reported it. */
export interface ReportedOutputState {
  state: 'on' | 'off';
  level: number;
  reason: OutputReason;
  failSafeActive: boolean;
  at: number;
}

export interface DeviceBridgeDeps {
  devices: Pick<DeviceManager, 'on' | 'off' | 'getNode'>;
  registry: Pick<RegistryService, 'listSensors' | 'listOutputs'>;
  sink: DeviceSink;
  automation: AutomationInputs;
  /** The controller's clock: readings are stamped with it (simulated time in an accelerated run). */
  clock: Clock;
  log?: (message: string, detail?: unknown) => void;
}

/** What a protocol hello tells the registry. */
export function toNodeHello(hello: HelloMessage, transport: 'serial' | 'mqtt'): NodeHello {
  return {
    nodeId: hello.nodeId,
    transport,
    firmwareVersion: hello.firmwareVersion,
    hardwareRevision: hello.hardwareRevision,
    capabilities: {
      outputs: hello.outputs.map((o) => ({ channel: o.channel, kind: o.kind })),
      sensors: hello.sensors.map((s) => ({ channel: s.channel, kinds: [s.kind] })),
    },
  };
}

/**
 * Carries what nodes say into the core and the automation: a hello registers the node (and, once
 * it is configured, makes the core resend its outputs' decisions), any frame marks it seen,
 * readings become stamped Readings for telemetry and the engine, state reports confirm outputs.
 */
export class DeviceBridge {
  private readonly reported = new Map<string, ReportedOutputState>();
  private readonly detachers: (() => void)[] = [];

  constructor(private readonly deps: DeviceBridgeDeps) {}

  start(): void {
    this.listen('nodeDiscovered', ({ hello, transport }) => this.deps.sink.nodeHello(toNodeHello(hello, transport)));
    this.listen('nodeConfigured', ({ nodeId }) => {
      const node = this.deps.devices.getNode(nodeId);
      if (node) this.deps.sink.nodeHello(toNodeHello(node.hello, node.transport));
    });
    this.listen('heartbeatReceived', ({ nodeId }) => this.seen(nodeId));
    this.listen('readingsReceived', (event) => this.onReadings(event));
    this.listen('outputStateReported', (event) => this.onState(event));
  }

  stop(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  /** The node's last word on an output (what the relay actually does, and why). */
  reportedState(outputId: string): ReportedOutputState | undefined {
    return this.reported.get(outputId);
  }

  private listen<K extends keyof DeviceEventMap>(event: K, listener: (payload: DeviceEventMap[K][0]) => void): void {
    const wrapped = ((payload: DeviceEventMap[K][0]) => {
      try {
        listener(payload);
      } catch (error) {
        this.deps.log?.(`device event ${event} not handled`, { error: (error as Error).message });
      }
    }) as never;
    this.deps.devices.on(event, wrapped);
    this.detachers.push(() => this.deps.devices.off(event, wrapped));
  }

  private seen(nodeId: string): number {
    const now = this.deps.clock.now();
    this.deps.sink.nodeHeartbeat(nodeId, now);
    this.deps.automation.reportNodeSeen(nodeId, now);
    return now;
  }

  private onReadings({ nodeId, readings }: DeviceEventMap['readingsReceived'][0]): void {
    const now = this.seen(nodeId);
    const sensors = this.deps.registry.listSensors().filter((s) => s.nodeId === nodeId);
    const stamped: Reading[] = [];
    for (const reading of readings) {
      const sensor = sensors.find((s) => s.channel === reading.channel);
      if (!sensor) continue;
      stamped.push(
        reading.status === 'ok'
          ? { sensorId: sensor.id, ts: now, status: 'ok', value: reading.value }
          : { sensorId: sensor.id, ts: now, status: 'failed', failure: reading.failure },
      );
    }
    if (stamped.length === 0) return;
    this.deps.sink.readings(stamped).catch((error: unknown) => this.deps.log?.('readings not stored', { nodeId, error: (error as Error).message }));
    for (const reading of stamped) this.deps.automation.ingestReading(reading);
  }

  private onState({ nodeId, state }: DeviceEventMap['outputStateReported'][0]): void {
    const now = this.seen(nodeId);
    const outputs = this.deps.registry.listOutputs().filter((o) => o.nodeId === nodeId);
    for (const reported of state.outputs) {
      const output = outputs.find((o) => o.channel === reported.channel);
      if (!output) continue;
      this.reported.set(output.id, { state: reported.state, level: reported.level, reason: reported.reason, failSafeActive: state.failSafeActive, at: now });
      this.deps.automation.reportOutputState(output.id, reported.state === 'on', now);
    }
  }
}
