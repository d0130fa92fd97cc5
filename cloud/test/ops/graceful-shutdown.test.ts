import { afterEach, describe, expect, it } from 'vitest';
import { handleShutdownSignals, waitUntil } from '../../src/ops/graceful-shutdown.js';

// A signal nothing else in the test process listens to, raised with process.emit (no real signal).
const SIGNAL = 'SIGUSR2' as const;
let remove: (() => void) | undefined;

afterEach(() => remove?.());

function install(stop: () => Promise<void>, timeoutMs = 60_000) {
  const exits: number[] = [];
  const logs: string[] = [];
  let exited: (code: number) => void = () => undefined;
  const firstExit = new Promise<number>((resolve) => (exited = resolve));
  remove = handleShutdownSignals({
    stop,
    timeoutMs,
    signals: [SIGNAL],
    log: (message) => logs.push(message),
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  });
  return { exits, logs, firstExit };
}

describe('handleShutdownSignals', () => {
  it('runs the stop once and exits 0 when it completes', async () => {
    let stops = 0;
    const { exits, firstExit } = install(async () => void (stops += 1));
    process.emit(SIGNAL, SIGNAL);
    expect(await firstExit).toBe(0);
    expect([stops, exits]).toEqual([1, [0]]);
  });

  it('exits 1 when the stop fails', async () => {
    const { firstExit, logs } = install(async () => {
      throw new Error('pool would not end');
    });
    process.emit(SIGNAL, SIGNAL);
    expect(await firstExit).toBe(1);
    expect(logs.join('\n')).toMatch(/pool would not end/);
  });

  it('exits 1 at once on a second signal while the stop is still running', async () => {
    let release: () => void = () => undefined;
    const { exits } = install(() => new Promise<void>((resolve) => (release = resolve)));
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    expect(exits).toEqual([1]);
    release();
  });

  it('exits 1 when the stop outlives the timeout', async () => {
    const { firstExit } = install(() => new Promise<void>(() => undefined), 20);
    process.emit(SIGNAL, SIGNAL);
    expect(await firstExit).toBe(1);
  });
});

describe('waitUntil', () => {
  it('resolves true once the condition holds and false when the time runs out', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls >= 3, 5_000, 1)).toBe(true);
    expect(await waitUntil(() => false, 10, 1)).toBe(false);
  });
});
