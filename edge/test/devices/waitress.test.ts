import { describe, expect, it } from 'vitest';
import { Waitress, WaitressTimeoutError } from '../../src/devices/waitress.js';

describe('Waitress', () => {
  it('resolves the waiter whose matcher accepts the payload', async () => {
    const waitress = new Waitress<number>();
    const even = waitress.waitFor((n) => n % 2 === 0, 1000, 'an even number');
    const seven = waitress.waitFor((n) => n === 7, 1000, 'seven');
    expect(waitress.resolve(3)).toBe(false);
    expect(waitress.resolve(7)).toBe(true);
    expect(waitress.resolve(4)).toBe(true);
    await expect(seven).resolves.toBe(7);
    await expect(even).resolves.toBe(4);
    expect(waitress.pending).toBe(0);
  });

  it('times out with an error naming what was awaited and where it was asked for', async () => {
    const waitress = new Waitress<number>();
    const error = await waitress.waitFor(() => false, 20, 'ack of command 5').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitressTimeoutError);
    expect((error as Error).message).toBe('timed out after 20 ms waiting for ack of command 5');
    expect((error as Error).stack).toContain('waitress.test.ts');
  });

  it('rejects selected waiters at once', async () => {
    const waitress = new Waitress<number>();
    const a = waitress.waitFor(() => false, 1000, 'a');
    const b = waitress.waitFor(() => false, 1000, 'b');
    waitress.rejectWhere(new Error('node rebooted'), (matcher) => matcher === undefined || true);
    await expect(a).rejects.toThrow('node rebooted');
    await expect(b).rejects.toThrow('node rebooted');
  });
});
