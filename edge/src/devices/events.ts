import type {
  ConfigMessage,
  DeviceReading,
  FaultMessage,
  FrameErrorCode,
  HeartbeatMessage,
  HelloMessage,
  NackError,
  ResetReason,
  SetOutputMessage,
  StateMessage,
  UpdateStatusMessage,
} from '@tokkatot/shared';

export type TransportKind = 'serial' | 'mqtt';

/** How a command ended. The node may have run a `failed` command; its next state report says. */
export type CommandOutcome =
  | { status: 'acked'; id: number; attempts: number }
  | { status: 'nacked'; id: number; error: NackError; attempts: number }
  | { status: 'failed'; id: number; reason: 'timeout' | 'node_rebooted' | 'offline' | 'stopped'; attempts: number };

export type OfflineReason = 'heartbeat_timeout' | 'last_will' | 'link_closed';

/** Everything the device layer tells the rest of the edge, named in the past tense. */
export interface DeviceEventMap {
  nodeDiscovered: [event: { nodeId: string; transport: TransportKind; address: string; hello: HelloMessage }];
  nodeRebooted: [event: { nodeId: string; previousBootId: number; bootId: number; resetReason: ResetReason }];
  nodeConfigured: [event: { nodeId: string; bootId: number; config: ConfigMessage }];
  nodeConfigRejected: [event: { nodeId: string; outcome: CommandOutcome }];
  nodeOnline: [event: { nodeId: string }];
  nodeOffline: [event: { nodeId: string; reason: OfflineReason }];
  nodeResetPulsed: [event: { nodeId: string }];
  heartbeatReceived: [event: { nodeId: string; heartbeat: HeartbeatMessage; receivedAt: number }];
  /** Stamped by the edge at capture: the ESP32 has no clock. */
  readingsReceived: [event: { nodeId: string; readings: DeviceReading[]; receivedAt: number }];
  outputStateReported: [event: { nodeId: string; state: StateMessage; receivedAt: number }];
  faultReported: [event: { nodeId: string; fault: FaultMessage; receivedAt: number }];
  /** A node's answer to a firmware update request (src/firmware-update reads these). */
  updateStatusReported: [event: { nodeId: string; status: UpdateStatusMessage; receivedAt: number }];
  commandSettled: [event: { nodeId: string; command: SetOutputMessage; outcome: CommandOutcome }];
  frameRejected: [event: { transport: TransportKind; address: string; error: FrameErrorCode | 'topic_mismatch'; detail: string }];
  linkOpened: [event: { transport: TransportKind; address: string }];
  linkClosed: [event: { transport: TransportKind; address: string; reason: string }];
}
