import { describe, expect, it } from 'vitest';
import { FakeGpioProvider, ResetLine, Siren, createGpioProvider } from '../../src/devices/index.js';

describe('GPIO', () => {
  it('falls back to the in-memory fake where the kernel has no GPIO', () => {
    expect(createGpioProvider().kind).toBe('fake');
    expect(createGpioProvider({ forceFake: true }).kind).toBe('fake');
  });

  it('pulses an ESP32 reset line: active for the hold time, then released', async () => {
    const gpio = new FakeGpioProvider();
    const line = new ResetLine(gpio.openOutput(17, { activeLow: true, initiallyActive: false }), 30);
    const started = Date.now();
    await line.pulse();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(gpio.history).toEqual([
      { pin: 17, active: true },
      { pin: 17, active: false },
    ]);
    expect(gpio.isActive(17)).toBe(false);
  });

  it('sounds and silences the siren relay', async () => {
    const gpio = new FakeGpioProvider();
    const siren = new Siren(gpio.openOutput(27, { activeLow: true, initiallyActive: false }));
    expect(siren.sounding).toBe(false);
    await siren.sound();
    expect(gpio.isActive(27)).toBe(true);
    await siren.silence();
    expect(siren.sounding).toBe(false);
  });
});
