import { Gpio } from 'onoff';
import { FakeGpioProvider } from './fake-gpio.js';
import type { GpioProvider } from './gpio.js';
import { OnoffGpioProvider } from './onoff-gpio.js';

/** Real GPIO where the kernel offers it (a Pi), the in-memory fake anywhere else. */
export function createGpioProvider(options: { forceFake?: boolean } = {}): GpioProvider {
  return !options.forceFake && Gpio.accessible ? new OnoffGpioProvider() : new FakeGpioProvider();
}
