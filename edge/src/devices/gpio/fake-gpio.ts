import { EventEmitter } from 'node:events';
import type { GpioOutput, GpioProvider } from './gpio.js';

export interface FakeGpioEventMap {
  changed: [pin: number, active: boolean];
}

/** In-memory GPIO for machines without any (this CI has no gpiolib at all) and for tests. */
export class FakeGpioProvider extends EventEmitter<FakeGpioEventMap> implements GpioProvider {
  readonly kind = 'fake' as const;
  /** Every write, in order, for tests to inspect. */
  readonly history: { pin: number; active: boolean }[] = [];
  private readonly levels = new Map<number, boolean>();

  openOutput(pin: number, options: { activeLow: boolean; initiallyActive: boolean }): GpioOutput {
    this.levels.set(pin, options.initiallyActive);
    const provider = this;
    return {
      pin,
      get active() {
        return provider.levels.get(pin) === true;
      },
      async write(active: boolean) {
        provider.levels.set(pin, active);
        provider.history.push({ pin, active });
        provider.emit('changed', pin, active);
      },
      async close() {
        provider.levels.delete(pin);
      },
    };
  }

  isActive(pin: number): boolean {
    return this.levels.get(pin) === true;
  }
}
