import { EventEmitter } from 'node:events';
import {
  SetOutputMessageSchema,
  parseOrThrow,
  type AckMessage,
  type ConfigMessage,
  type DeviceFrame,
  type DeviceMessage,
  type HelloMessage,
  type NackMessage,
  type SetOutputMessage,
  type UpdateBeginMessage,
  type UpdateChunkMessage,
  type UpdateCommitMessage,
  type UpdateConfirmMessage,
  type UpdateFetchMessage,
} from '@tokkatot/shared';
import type { CommandOutcome, DeviceEventMap, OfflineReason } from './events.js';
import type { ResetLine } from './gpio/reset-line.js';
import { SILENT_LOGGER, type DeviceLogger } from './logger.js';
import { NodeSession, snapshotSession, type NodeSnapshot } from './node-session.js';
import type { DeviceTransport } from './transport.js';
import { Waitress, WaitressTimeoutError } from './waitress.js';

const NS = 'edge:devices:manager';

/** The configuration pushed to a node after its hello (the request id is added per push). */
export type NodeConfigTemplate = Omit<ConfigMessage, 'type' | 'id'>;

export interface DeviceManagerOptions {
  transports: DeviceTransport[];
  /** The configuration for a node that said hello; null leaves it unconfigured. */
  configFor: (hello: HelloMessage) => NodeConfigTemplate | null;
  /** ESP32 reset (EN) lines by node id, for nodes that hang with their link still up. */
  resetLines?: ReadonlyMap<string, ResetLine>;
  logger?: DeviceLogger;
  now?: () => number;
  /** Wait for an ack before resending (default 300 ms). */
  commandTimeoutMs?: number;
  /** Resends after the first attempt (default 3). */
  retries?: number;
  /** Offline after this long without a frame (default 3 heartbeat periods, at least 1.5 s). */
  offlineAfterMs?: number;
  /** Keep-alive period (default a quarter of the node's link timeout). */
  pingIntervalMs?: number;
  /** A node offline this long while its link is up is hung and gets reset (default 10 s). */
  resetAfterMs?: number;
  superviseIntervalMs?: number;
}

interface Answer {
  nodeId: string;
  message: AckMessage | NackMessage;
}

class SessionEndedError extends Error {
  constructor(readonly reason: 'node_rebooted' | 'stopped') {
    super(reason);
  }
}

type SetOutputRequest = { channel: number; state: 'on' | 'off'; level?: number; durationS?: number };

/**
 * Discovers nodes by their hello, pushes their configuration, keeps their links alive, tracks
 * online/offline by heartbeats and last wills, resets hung nodes through their reset lines, and
 * sends commands whose outcome is always known (acked, nacked, or failed after retries).
 */
export class DeviceManager extends EventEmitter<DeviceEventMap> {
  private readonly sessions = new Map<string, NodeSession>();
  private readonly byAddress = new Map<DeviceTransport, Map<string, string>>();
  private readonly helloAskedAt = new Map<string, number>();
  private readonly waitress = new Waitress<Answer>();
  private readonly detachers: (() => void)[] = [];
  private supervisor: ReturnType<typeof setInterval> | null = null;
  private nextId = Math.floor(Math.random() * 0x7fffffff);
  private running = false;

  constructor(private readonly options: DeviceManagerOptions) {
    super();
  }

  async start(): Promise<void> {
    this.running = true;
    for (const transport of this.options.transports) {
      this.byAddress.set(transport, new Map());
      this.listen(transport);
    }
    this.supervisor = setInterval(() => this.supervise(), this.options.superviseIntervalMs ?? 200);
    await Promise.all(this.options.transports.map((t) => t.start()));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.supervisor) clearInterval(this.supervisor);
    this.supervisor = null;
    this.waitress.rejectWhere(new SessionEndedError('stopped'));
    for (const detach of this.detachers.splice(0)) detach();
    await Promise.all(this.options.transports.map((t) => t.stop()));
  }

  listNodes(): NodeSnapshot[] {
    return [...this.sessions.values()].map(snapshotSession);
  }

  getNode(nodeId: string): NodeSnapshot | undefined {
    const session = this.sessions.get(nodeId);
    return session && snapshotSession(session);
  }

  /** Switches one output of a node; resolves with the outcome, never rejects for a link problem. */
  async setOutput(nodeId: string, request: SetOutputRequest): Promise<CommandOutcome> {
    const session = this.sessions.get(nodeId);
    const id = this.allocateId();
    const command: SetOutputMessage = parseOrThrow(
      SetOutputMessageSchema,
      {
        type: 'setOutput',
        id,
        bootId: session?.bootId ?? 0,
        channel: request.channel,
        state: request.state,
        level: request.level ?? (request.state === 'on' ? 100 : 0),
        durationS: request.durationS ?? 0,
      },
      'set-output command',
    );
    let outcome: CommandOutcome;
    if (!session || !session.online) outcome = { status: 'failed', id, reason: 'offline', attempts: 0 };
    else outcome = await this.request(session, { seq: session.nextSeq(), message: command });
    this.emit('commandSettled', { nodeId, command, outcome });
    return outcome;
  }

  /**
   * Sends one firmware update message to a node (src/firmware-update). Update messages are
   * idempotent by content, so the updater resends them itself; false when the node is unknown or
   * its link is down right now.
   */
  async sendUpdateMessage(nodeId: string, message: UpdateBeginMessage | UpdateChunkMessage | UpdateCommitMessage | UpdateConfirmMessage | UpdateFetchMessage): Promise<boolean> {
    const session = this.sessions.get(nodeId);
    if (!session || !session.transport.isLinkUp(session.address)) return false;
    return session.transport.send(session.address, { seq: session.nextSeq(), message });
  }

  /** Asks every node (or one) to introduce itself again. */
  async requestHello(nodeId?: string): Promise<void> {
    const targets = nodeId ? [this.sessions.get(nodeId)].filter((s) => s !== undefined) : [...this.sessions.values()];
    await Promise.all(targets.map((s) => s.transport.send(s.address, { seq: s.nextSeq(), message: { type: 'helloRequest' } })));
  }

  /** Pulses a node's reset line; false when it has none. */
  async resetNode(nodeId: string): Promise<boolean> {
    const line = this.options.resetLines?.get(nodeId);
    if (!line) return false;
    const session = this.sessions.get(nodeId);
    if (session) session.lastResetAt = this.now();
    this.log().warn({ ns: NS, nodeId }, 'pulsing reset line');
    await line.pulse();
    this.emit('nodeResetPulsed', { nodeId });
    return true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(): DeviceLogger {
    return this.options.logger ?? SILENT_LOGGER;
  }

  private allocateId(): number {
    this.nextId = (this.nextId + 1) >>> 0;
    return this.nextId;
  }

  private listen(transport: DeviceTransport): void {
    const onFrame = (address: string, frame: DeviceFrame) => this.onFrame(transport, address, frame);
    const onRejected = (address: string, error: DeviceEventMap['frameRejected'][0]['error'], detail: string) =>
      this.emit('frameRejected', { transport: transport.kind, address, error, detail });
    const onOpened = (address: string) => {
      this.emit('linkOpened', { transport: transport.kind, address });
      void this.askHello(transport, address, true);
    };
    const onClosed = (address: string, reason: string) => {
      this.emit('linkClosed', { transport: transport.kind, address, reason });
      const session = this.sessionAt(transport, address);
      if (session) this.markOffline(session, reason === 'last_will' ? 'last_will' : 'link_closed');
    };
    transport.on('frameReceived', onFrame);
    transport.on('frameRejected', onRejected);
    transport.on('linkOpened', onOpened);
    transport.on('linkClosed', onClosed);
    this.detachers.push(() => {
      transport.off('frameReceived', onFrame);
      transport.off('frameRejected', onRejected);
      transport.off('linkOpened', onOpened);
      transport.off('linkClosed', onClosed);
    });
  }

  private sessionAt(transport: DeviceTransport, address: string): NodeSession | undefined {
    const nodeId = this.byAddress.get(transport)?.get(address);
    return nodeId === undefined ? undefined : this.sessions.get(nodeId);
  }

  /** Asks an unknown link who is there, at most once a second per address. */
  private async askHello(transport: DeviceTransport, address: string, force = false): Promise<void> {
    const key = `${transport.kind}:${address}`;
    const last = this.helloAskedAt.get(key) ?? Number.NEGATIVE_INFINITY;
    if (!force && this.now() - last < 1000) return;
    this.helloAskedAt.set(key, this.now());
    await transport.send(address, { seq: Math.floor(Math.random() * 0x10000), message: { type: 'helloRequest' } });
  }

  private onFrame(transport: DeviceTransport, address: string, frame: DeviceFrame): void {
    const message = frame.message;
    if (message.type === 'hello') {
      this.onHello(transport, address, message);
      return;
    }
    const session = this.sessionAt(transport, address);
    if (!session) {
      void this.askHello(transport, address);
      return;
    }
    const now = this.now();
    session.lastSeenAt = now;
    if ('bootId' in message && message.type !== 'setOutput' && message.bootId !== session.bootId) {
      // The node rebooted and its hello was lost: find out who it is now before trusting it.
      void this.askHello(transport, address);
      return;
    }
    if (!session.online) this.markOnline(session);
    this.dispatch(session, message, now);
  }

  private dispatch(session: NodeSession, message: DeviceMessage, now: number): void {
    const nodeId = session.nodeId;
    switch (message.type) {
      case 'ack':
      case 'nack':
        this.waitress.resolve({ nodeId, message });
        break;
      case 'heartbeat':
        session.heartbeat = message;
        this.emit('heartbeatReceived', { nodeId, heartbeat: message, receivedAt: now });
        break;
      case 'readings':
        this.emit('readingsReceived', { nodeId, readings: message.readings, receivedAt: now });
        break;
      case 'state':
        session.state = message;
        this.emit('outputStateReported', { nodeId, state: message, receivedAt: now });
        break;
      case 'updateStatus':
        this.emit('updateStatusReported', { nodeId, status: message, receivedAt: now });
        break;
      case 'fault':
        this.log().warn({ ns: NS, nodeId, fault: message.fault, channel: message.channel }, 'node fault');
        this.emit('faultReported', { nodeId, fault: message, receivedAt: now });
        break;
      default:
        // Edge-bound types only; anything else (an echo of our own frames) is ignored.
        break;
    }
  }

  private onHello(transport: DeviceTransport, address: string, hello: HelloMessage): void {
    if (transport.kind === 'mqtt' && hello.nodeId !== address) {
      this.emit('frameRejected', { transport: transport.kind, address, error: 'topic_mismatch', detail: `hello from ${hello.nodeId} on ${address}'s topic` });
      return;
    }
    const now = this.now();
    let session = this.sessions.get(hello.nodeId);
    const addresses = this.byAddress.get(transport);
    if (!session) {
      session = new NodeSession(hello.nodeId, transport, address, hello, now);
      this.sessions.set(hello.nodeId, session);
      addresses?.set(address, hello.nodeId);
      this.log().info({ ns: NS, nodeId: hello.nodeId, address, firmware: hello.firmwareVersion }, 'node discovered');
      this.emit('nodeDiscovered', { nodeId: hello.nodeId, transport: transport.kind, address, hello });
    } else {
      if (session.transport !== transport || session.address !== address) {
        this.byAddress.get(session.transport)?.delete(session.address);
        session.transport = transport;
        session.address = address;
        addresses?.set(address, hello.nodeId);
      }
      const previousBootId = session.bootId;
      const wasConfirmed = session.hello.imageConfirmed;
      session.hello = hello;
      if (previousBootId === hello.bootId && !wasConfirmed && hello.imageConfirmed && session.configured && session.config) {
        // A new image refuses commands until it is confirmed; confirmed (it announces itself again),
        // it is ready like a freshly configured node, so the edge re-applies what it wants.
        this.emit('nodeConfigured', { nodeId: hello.nodeId, bootId: hello.bootId, config: session.config });
      }
      if (previousBootId !== hello.bootId) {
        session.configured = false;
        session.state = null;
        // Commands meant for the old boot can never run now (the node refuses their boot id).
        this.waitress.rejectWhere(new SessionEndedError('node_rebooted'), (m) => (m as MatcherWithNode).nodeId === hello.nodeId);
        this.log().warn({ ns: NS, nodeId: hello.nodeId, resetReason: hello.resetReason }, 'node rebooted');
        this.emit('nodeRebooted', { nodeId: hello.nodeId, previousBootId, bootId: hello.bootId, resetReason: hello.resetReason });
      }
    }
    session.lastSeenAt = now;
    if (!session.online) this.markOnline(session);
    if (!session.configured) void this.configure(session);
  }

  private async configure(session: NodeSession): Promise<void> {
    const template = this.options.configFor(session.hello);
    if (!template) return;
    const bootId = session.bootId;
    const config: ConfigMessage = { type: 'config', id: this.allocateId(), ...template };
    const outcome = await this.request(session, { seq: session.nextSeq(), message: config });
    if (outcome.status === 'acked' && session.bootId === bootId) {
      session.configured = true;
      session.config = config;
      this.emit('nodeConfigured', { nodeId: session.nodeId, bootId, config });
    } else if (outcome.status !== 'acked') {
      this.log().warn({ ns: NS, nodeId: session.nodeId, outcome }, 'configuration not accepted');
      this.emit('nodeConfigRejected', { nodeId: session.nodeId, outcome });
    }
  }

  /** Sends a request and resends the identical frame until answered; the node runs it once. */
  private async request(session: NodeSession, frame: DeviceFrame & { message: { id: number } }): Promise<CommandOutcome> {
    const { seq } = frame;
    const { id } = frame.message;
    const bootId = session.bootId;
    const attemptsAllowed = (this.options.retries ?? 3) + 1;
    const timeoutMs = this.options.commandTimeoutMs ?? 300;
    for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
      if (!this.running) return { status: 'failed', id, reason: 'stopped', attempts: attempt - 1 };
      if (session.bootId !== bootId) return { status: 'failed', id, reason: 'node_rebooted', attempts: attempt - 1 };
      const matcher: MatcherWithNode = Object.assign(
        (answer: Answer) => answer.nodeId === session.nodeId && answer.message.ackSeq === seq && answer.message.id === id,
        { nodeId: session.nodeId },
      );
      const answer = this.waitress.waitFor(matcher, timeoutMs, `answer to ${frame.message.type} ${id} (seq ${seq}) from ${session.nodeId}`);
      // The waiter can be rejected (stop, reboot) while the send is still in flight: observe it now
      // so that rejection is never reported as unhandled; it is read again below.
      answer.catch(() => undefined);
      try {
        await session.transport.send(session.address, frame);
        const { message } = await answer;
        if (message.type === 'ack') return { status: 'acked', id, attempts: attempt };
        return { status: 'nacked', id, error: message.error, attempts: attempt };
      } catch (error) {
        if (error instanceof SessionEndedError) return { status: 'failed', id, reason: error.reason, attempts: attempt };
        if (!(error instanceof WaitressTimeoutError)) throw error;
        this.log().debug({ ns: NS, nodeId: session.nodeId, id, attempt }, 'no answer; resending');
      }
    }
    return { status: 'failed', id, reason: 'timeout', attempts: attemptsAllowed };
  }

  private markOnline(session: NodeSession): void {
    session.online = true;
    this.log().info({ ns: NS, nodeId: session.nodeId }, 'node online');
    this.emit('nodeOnline', { nodeId: session.nodeId });
  }

  private markOffline(session: NodeSession, reason: OfflineReason): void {
    if (!session.online) return;
    session.online = false;
    session.offlineSince = this.now();
    this.log().warn({ ns: NS, nodeId: session.nodeId, reason }, 'node offline');
    this.emit('nodeOffline', { nodeId: session.nodeId, reason });
  }

  private supervise(): void {
    const now = this.now();
    for (const session of this.sessions.values()) {
      const heartbeatMs = session.config?.heartbeatPeriodMs ?? 1000;
      const offlineAfter = this.options.offlineAfterMs ?? Math.max(3 * heartbeatMs, 1500);
      if (session.online && now - session.lastSeenAt > offlineAfter) this.markOffline(session, 'heartbeat_timeout');
      const pingEvery = this.options.pingIntervalMs ?? (session.config ? session.config.linkTimeoutMs / 4 : 1000);
      if (session.transport.isLinkUp(session.address) && now - session.lastPingAt >= pingEvery) {
        session.lastPingAt = now;
        void session.transport.send(session.address, { seq: session.nextSeq(), message: { type: 'ping' } });
      }
      const hung = !session.online && session.transport.isLinkUp(session.address);
      const resetAfter = this.options.resetAfterMs ?? 10_000;
      if (hung && now - session.offlineSince >= resetAfter && now - session.lastResetAt >= resetAfter) {
        void this.resetNode(session.nodeId).catch((error: unknown) => this.log().error({ ns: NS, nodeId: session.nodeId, err: String(error) }, 'reset failed'));
      }
    }
  }
}

type MatcherWithNode = ((answer: Answer) => boolean) & { nodeId: string };
