import type { GpioOutput } from './gpio.js';

/** The local alarm siren relay on the Pi itself: it sounds even when every node is gone. */
export class Siren {
  constructor(private readonly output: GpioOutput) {}

  get sounding(): boolean {
    return this.output.active;
  }

  sound(): Promise<void> {
    return this.output.write(true);
  }

  silence(): Promise<void> {
    return this.output.write(false);
  }
}
