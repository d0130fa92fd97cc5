import type { Reading } from '@tokkatot/shared';
import type { NodeHello, RegistryService } from './registry-service.js';
import type { TelemetryService } from '../telemetry/telemetry-service.js';

/**
 * What the devices layer reports into the core: hellos, heartbeats and readings. The real
 * DeviceManager (edge/src/devices) is handed one of these by main.ts; it never reaches the
 * database itself.
 */
export interface DeviceSink {
  nodeHello(hello: NodeHello): void;
  nodeHeartbeat(nodeId: string, at?: number): void;
  /** Readings are stamped by the Pi at capture; the promise resolves once they are on disk. */
  readings(readings: Reading[]): Promise<void>;
}

/** The sink over the registry and telemetry services. */
export function createDeviceSink(registry: RegistryService, telemetry: TelemetryService): DeviceSink {
  return {
    nodeHello: (hello) => void registry.recordHello(hello),
    nodeHeartbeat: (nodeId, at) => void registry.recordHeartbeat(nodeId, at),
    readings: (readings) => telemetry.ingest(readings),
  };
}
