import type { GpioOutput } from './gpio.js';

/**
 * An ESP32's EN (reset) line driven through a transistor from a Pi pin: active while held in
 * reset. A pulse holds it for holdMs, long enough for the chip's brown-out logic (≥ 50 ms).
 */
export class ResetLine {
  constructor(
    private readonly output: GpioOutput,
    private readonly holdMs = 100,
  ) {}

  async pulse(): Promise<void> {
    await this.output.write(true);
    await new Promise((resolve) => setTimeout(resolve, this.holdMs));
    await this.output.write(false);
  }
}
