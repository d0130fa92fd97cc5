import type { ConfigMessage, HeartbeatMessage, HelloMessage, StateMessage } from '@tokkatot/shared';
import type { DeviceTransport } from './transport.js';

/** What the edge knows about one node; owned and mutated by the DeviceManager only. */
export class NodeSession {
  hello: HelloMessage;
  online = false;
  configured = false;
  config: ConfigMessage | null = null;
  state: StateMessage | null = null;
  heartbeat: HeartbeatMessage | null = null;
  lastSeenAt: number;
  lastPingAt = 0;
  offlineSince: number;
  lastResetAt = Number.NEGATIVE_INFINITY;
  private seq: number;

  constructor(
    readonly nodeId: string,
    public transport: DeviceTransport,
    public address: string,
    hello: HelloMessage,
    now: number,
  ) {
    this.hello = hello;
    this.lastSeenAt = now;
    this.offlineSince = now;
    // A random start makes (seq, id) pairs of an earlier edge run unlikely to collide on the node.
    this.seq = Math.floor(Math.random() * 0x10000);
  }

  get bootId(): number {
    return this.hello.bootId;
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) & 0xffff;
    return this.seq;
  }
}

/** A copy of a session for callers: they can read it but not change the manager's state. */
export interface NodeSnapshot {
  nodeId: string;
  transport: 'serial' | 'mqtt';
  address: string;
  hello: HelloMessage;
  online: boolean;
  configured: boolean;
  lastSeenAt: number;
  state: StateMessage | null;
  heartbeat: HeartbeatMessage | null;
}

export function snapshotSession(session: NodeSession): NodeSnapshot {
  return structuredClone({
    nodeId: session.nodeId,
    transport: session.transport.kind,
    address: session.address,
    hello: session.hello,
    online: session.online,
    configured: session.configured,
    lastSeenAt: session.lastSeenAt,
    state: session.state,
    heartbeat: session.heartbeat,
  });
}
