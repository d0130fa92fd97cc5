import { EventEmitter } from 'node:events';
import type { DeviceFrame, ParsedItem } from '@tokkatot/shared';
import { SerialPort } from 'serialport';
import { SILENT_LOGGER, type DeviceLogger } from '../logger.js';
import { FrameParserStream } from './frame-parser-stream.js';
import { FrameWriter } from './frame-writer.js';

const NS = 'edge:devices:serial';

export interface SerialLinkOptions {
  path: string;
  baudRate?: number;
  /** Delay between attempts to open a missing port. */
  reopenDelayMs?: number;
  logger?: DeviceLogger;
}

export interface SerialLinkEventMap {
  opened: [];
  closed: [reason: 'port_closed' | 'stopped'];
  item: [item: ParsedItem];
}

/**
 * Port layer: one serial port, opened in raw mode and reopened whenever it disappears (USB
 * unplugged, node rebooted, simulator restarted), until stop(). It never throws at its owner and
 * never exits the process: a missing port is retried every reopenDelayMs.
 */
export class SerialLink extends EventEmitter<SerialLinkEventMap> {
  private port: SerialPort | null = null;
  private writer: FrameWriter | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastOpenError = '';

  constructor(private readonly options: SerialLinkOptions) {
    super();
  }

  get path(): string {
    return this.options.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true && this.writer !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    const port = this.port;
    this.port = null;
    this.writer = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners();
    this.emit('closed', 'stopped');
  }

  /** Sends a frame; false when the port is not open right now. */
  async send(frame: DeviceFrame): Promise<boolean> {
    const writer = this.writer;
    if (!writer || !this.isOpen) return false;
    try {
      await writer.write(frame);
      return true;
    } catch (error) {
      this.log().warn({ ns: NS, path: this.path, err: String(error) }, 'write failed');
      return false;
    }
  }

  /** Closes the port as if it had vanished; the link reopens it by itself. */
  dropForTest(): void {
    this.port?.close();
  }

  private log(): DeviceLogger {
    return this.options.logger ?? SILENT_LOGGER;
  }

  private open(): void {
    if (!this.running) return;
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate ?? 115_200, autoOpen: false });
    this.port = port;
    port.open((error) => {
      if (!this.running || this.port !== port) {
        if (!error) port.close();
        return;
      }
      if (error) {
        if (error.message !== this.lastOpenError) this.log().warn({ ns: NS, path: this.path, err: error.message }, 'cannot open port; retrying');
        this.lastOpenError = error.message;
        this.port = null;
        this.scheduleReopen();
        return;
      }
      this.lastOpenError = '';
      this.attach(port);
    });
  }

  private attach(port: SerialPort): void {
    const parser = new FrameParserStream();
    port.pipe(parser);
    parser.on('data', (item: ParsedItem) => this.emit('item', item));
    port.on('error', (error) => this.log().warn({ ns: NS, path: this.path, err: error.message }, 'port error'));
    port.once('close', () => {
      port.unpipe(parser);
      parser.destroy();
      port.removeAllListeners();
      if (this.port !== port) return;
      this.port = null;
      this.writer = null;
      this.log().warn({ ns: NS, path: this.path }, 'port closed; reopening');
      this.emit('closed', 'port_closed');
      this.scheduleReopen();
    });
    // Drop bytes that queued up while nobody listened: stale heartbeats, not news.
    port.flush(() => {
      if (this.port !== port) return;
      this.writer = new FrameWriter(port);
      this.writer.writeFlush().catch(() => undefined);
      this.log().info({ ns: NS, path: this.path }, 'port open');
      this.emit('opened');
    });
  }

  private scheduleReopen(): void {
    if (!this.running || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.open();
    }, this.options.reopenDelayMs ?? 1000);
  }
}
