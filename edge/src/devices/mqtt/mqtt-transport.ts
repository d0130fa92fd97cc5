import { EventEmitter } from 'node:events';
import {
  NODE_MESSAGE_TYPES,
  NODE_OFFLINE,
  NODE_ONLINE,
  TOPIC_ROOT,
  buildFarmNodesFilter,
  buildMessageTopic,
  decodeFrame,
  encodeFrame,
  parseNodeTopic,
  type DeviceFrame,
} from '@tokkatot/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { SILENT_LOGGER, type DeviceLogger } from '../logger.js';
import type { DeviceTransport, TransportEventMap } from '../transport.js';

const NS = 'edge:devices:mqtt';

/** Turns off Nagle's algorithm on the client's TCP socket (mqtt.js leaves it on). */
export function disableNagle(client: MqttClient): void {
  const stream = client.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined;
  stream?.setNoDelay?.(true);
}
const NODE_TYPES = new Set<string>(NODE_MESSAGE_TYPES);

export interface MqttTransportOptions {
  /** The farm's broker, e.g. mqtt://127.0.0.1:1883 (Mosquitto on the Pi). */
  url: string;
  farmId: string;
  username: string;
  password: string;
  clientId?: string;
  /** How long start() waits for the first connection before going on reconnecting in the background. */
  connectWaitMs?: number;
  logger?: DeviceLogger;
}

/**
 * Nodes on the farm broker. A node's address is its node id (= its broker user and topic level).
 * MQTT 5, QoS 1 both ways; a node's retained status (and last will "offline") opens and closes
 * its link. The broker reconnection is mqtt.js's; the edge never exits because the broker left.
 */
export class MqttTransport extends EventEmitter<TransportEventMap> implements DeviceTransport {
  readonly kind = 'mqtt' as const;
  private client: MqttClient | null = null;
  private readonly nodesUp = new Set<string>();

  constructor(private readonly options: MqttTransportOptions) {
    super();
  }

  private log(): DeviceLogger {
    return this.options.logger ?? SILENT_LOGGER;
  }

  private get edgeStatusTopic(): string {
    return `${TOPIC_ROOT}/${this.options.farmId}/edge/status`;
  }

  async start(): Promise<void> {
    const client = mqtt.connect(this.options.url, {
      protocolVersion: 5,
      username: this.options.username,
      password: this.options.password,
      clientId: this.options.clientId ?? `tokkatot-edge-${this.options.farmId}-${process.pid}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: this.edgeStatusTopic, payload: Buffer.from(NODE_OFFLINE), qos: 1, retain: true },
    });
    this.client = client;
    // Handlers go on before any await: mqtt.js emits `connect` once per connection.
    client.on('connect', () => {
      // Commands are tiny and latency-bound: Nagle plus delayed ACKs would add ~40 ms per hop.
      disableNagle(client);
      this.log().info({ ns: NS, url: this.options.url }, 'connected to the broker');
      client.subscribe(buildFarmNodesFilter(this.options.farmId), { qos: 1 }, (error) => {
        if (error) this.log().error({ ns: NS, err: error.message }, 'subscribe failed');
      });
      client.publish(this.edgeStatusTopic, NODE_ONLINE, { qos: 1, retain: true });
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => {
      for (const nodeId of [...this.nodesUp]) {
        this.nodesUp.delete(nodeId);
        this.emit('linkClosed', nodeId, 'broker_lost');
      }
    });
    client.on('error', (error) => this.log().warn({ ns: NS, err: error.message }, 'broker error'));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.connectWaitMs ?? 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) await client.publishAsync(this.edgeStatusTopic, NODE_OFFLINE, { qos: 1, retain: true }).catch(() => undefined);
    await client.endAsync();
    client.removeAllListeners();
    for (const nodeId of [...this.nodesUp]) this.emit('linkClosed', nodeId, 'stopped');
    this.nodesUp.clear();
  }

  async send(nodeId: string, frame: DeviceFrame): Promise<boolean> {
    const client = this.client;
    if (!client?.connected) return false;
    try {
      await client.publishAsync(buildMessageTopic(this.options.farmId, nodeId, frame.message.type), Buffer.from(encodeFrame(frame)), { qos: 1 });
      return true;
    } catch (error) {
      this.log().warn({ ns: NS, nodeId, err: String(error) }, 'publish failed');
      return false;
    }
  }

  isLinkUp(nodeId: string): boolean {
    return this.client?.connected === true && this.nodesUp.has(nodeId);
  }

  private setUp(nodeId: string, up: boolean, reason: 'last_will' = 'last_will'): void {
    if (up === this.nodesUp.has(nodeId)) return;
    if (up) {
      this.nodesUp.add(nodeId);
      this.emit('linkOpened', nodeId);
    } else {
      this.nodesUp.delete(nodeId);
      this.emit('linkClosed', nodeId, reason);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseNodeTopic(topic);
    if (!parsed || parsed.farmId !== this.options.farmId) return;
    if (parsed.kind === 'status') {
      this.setUp(parsed.nodeId, payload.toString() === NODE_ONLINE);
      return;
    }
    // Our own commands come back through the farm-wide subscription: not for us.
    if (!NODE_TYPES.has(parsed.type)) return;
    const result = decodeFrame(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    if (!result.ok) {
      this.emit('frameRejected', parsed.nodeId, result.error, result.detail);
      return;
    }
    if (result.frame.message.type !== parsed.type) {
      this.emit('frameRejected', parsed.nodeId, 'topic_mismatch', `${result.frame.message.type} on the ${parsed.type} topic`);
      return;
    }
    this.setUp(parsed.nodeId, true);
    this.emit('frameReceived', parsed.nodeId, result.frame);
  }
}
