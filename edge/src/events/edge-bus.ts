import { EventEmitter } from 'node:events';
import type { Event } from '@tokkatot/shared';

/** What the edge tells its live listeners (SSE, sync, automation): past-tense names, one typed map. */
export interface EdgeBusEvents {
  eventAppended: [{ seq: number; event: Event }];
  outputChanged: [OutputChange];
  readingsIngested: [LatestReading[]];
  nodeSeen: [{ nodeId: string; at: number; kind: 'hello' | 'heartbeat' }];
}

export interface OutputChange {
  outputId: string;
  coopId: string | null;
  state: 'on' | 'off';
  level: number | null;
  source: string;
  reason: string;
  since: number;
}

export interface LatestReading {
  sensorId: string;
  ts: number;
  value: number | null;
  failure: string | null;
}

/** A typed in-process event bus. */
export class EdgeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each SSE client adds one listener per event name.
    this.emitter.setMaxListeners(1000);
  }

  on<K extends keyof EdgeBusEvents>(name: K, listener: (...args: EdgeBusEvents[K]) => void): () => void {
    this.emitter.on(name, listener as (...args: unknown[]) => void);
    return () => this.emitter.off(name, listener as (...args: unknown[]) => void);
  }

  emit<K extends keyof EdgeBusEvents>(name: K, ...args: EdgeBusEvents[K]): void {
    this.emitter.emit(name, ...args);
  }

  listenerCount(name: keyof EdgeBusEvents): number {
    return this.emitter.listenerCount(name);
  }
}
