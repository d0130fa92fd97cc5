import { Gpio } from 'onoff';
import type { GpioOutput, GpioProvider } from './gpio.js';

/**
 * Raspberry Pi GPIO through onoff (sysfs). Kernels from 6.6 on number sysfs lines from 512:
 * pass the number the kernel shows in /sys/class/gpio.
 */
export class OnoffGpioProvider implements GpioProvider {
  readonly kind = 'onoff' as const;

  openOutput(pin: number, options: { activeLow: boolean; initiallyActive: boolean }): GpioOutput {
    // "high"/"low" set the level atomically with the direction: no glitch of the relay at start.
    const initialHigh = options.initiallyActive !== options.activeLow;
    const gpio = new Gpio(pin, initialHigh ? 'high' : 'low', 'none', { activeLow: options.activeLow });
    let active = options.initiallyActive;
    return {
      pin,
      get active() {
        return active;
      },
      async write(value: boolean) {
        await gpio.write(value ? 1 : 0);
        active = value;
      },
      async close() {
        gpio.unexport();
      },
    };
  }
}
