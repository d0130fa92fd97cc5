/** One output pin. `active` is the logical level: an active-low pin is LOW when active. */
export interface GpioOutput {
  readonly pin: number;
  readonly active: boolean;
  write(active: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Opens output pins: onoff on a Raspberry Pi, an in-memory fake where there is no GPIO. */
export interface GpioProvider {
  readonly kind: 'onoff' | 'fake';
  openOutput(pin: number, options: { activeLow: boolean; initiallyActive: boolean }): GpioOutput;
}
