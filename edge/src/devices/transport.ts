import type { EventEmitter } from 'node:events';
import type { DeviceFrame, FrameErrorCode } from '@tokkatot/shared';

/**
 * What the device manager needs from a way of reaching nodes. An address is the transport's own
 * name for one node's link: the serial port path, or the node id on MQTT.
 */
export interface TransportEventMap {
  frameReceived: [address: string, frame: DeviceFrame];
  frameRejected: [address: string, error: FrameErrorCode | 'topic_mismatch', detail: string];
  /** A link to one node became usable (a port opened, a node announced itself online). */
  linkOpened: [address: string];
  /** A link went away: the port vanished, or the broker published the node's last will. */
  linkClosed: [address: string, reason: 'port_closed' | 'last_will' | 'broker_lost' | 'stopped'];
}

export interface DeviceTransport extends EventEmitter<TransportEventMap> {
  readonly kind: 'serial' | 'mqtt';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends a frame; false when the link is down right now (the caller retries or gives up). */
  send(address: string, frame: DeviceFrame): Promise<boolean>;
  /** Whether the link to this address is currently up. */
  isLinkUp(address: string): boolean;
}
