import { EventEmitter } from 'node:events';
import type { DeviceFrame } from '@tokkatot/shared';
import type { DeviceLogger } from '../logger.js';
import type { DeviceTransport, TransportEventMap } from '../transport.js';
import { SerialLink } from './serial-link.js';

export interface SerialTransportOptions {
  /** One port per node (USB serial adapters, or the simulated coops' pseudo-terminals). */
  paths: string[];
  baudRate?: number;
  reopenDelayMs?: number;
  logger?: DeviceLogger;
}

/** The serial ports of the farm as one transport; a port path is the address of its node. */
export class SerialTransport extends EventEmitter<TransportEventMap> implements DeviceTransport {
  readonly kind = 'serial' as const;
  private readonly links = new Map<string, SerialLink>();

  constructor(private readonly options: SerialTransportOptions) {
    super();
  }

  async start(): Promise<void> {
    for (const path of this.options.paths) this.addPort(path);
  }

  /** Adds a port at run time (an installer plugged in a new board). */
  addPort(path: string): void {
    if (this.links.has(path)) return;
    const link = new SerialLink({ path, baudRate: this.options.baudRate, reopenDelayMs: this.options.reopenDelayMs, logger: this.options.logger });
    link.on('opened', () => this.emit('linkOpened', path));
    link.on('closed', (reason) => this.emit('linkClosed', path, reason));
    link.on('item', (item) => {
      if (item.ok) this.emit('frameReceived', path, item.frame);
      else this.emit('frameRejected', path, item.error, item.detail);
    });
    this.links.set(path, link);
    link.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.stop()));
    for (const link of this.links.values()) link.removeAllListeners();
    this.links.clear();
  }

  send(address: string, frame: DeviceFrame): Promise<boolean> {
    return this.links.get(address)?.send(frame) ?? Promise.resolve(false);
  }

  isLinkUp(address: string): boolean {
    return this.links.get(address)?.isOpen === true;
  }

  /** The link of one port, for tests that pull the plug. */
  linkOf(path: string): SerialLink | undefined {
    return this.links.get(path);
  }
}
