import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HybridLogicalClock, compareHlc, decodeHlc, encodeHlc } from '../src/hlc.js';

const T0 = Date.UTC(2026, 10, 27, 6, 0, 0);

function clockAt(start: number, node = 'edge-1') {
  let now = start;
  const clock = new HybridLogicalClock({ node, now: () => now });
  return { clock, set: (ms: number) => (now = ms) };
}

describe('HybridLogicalClock', () => {
  it('follows the wall clock when it moves forward', () => {
    const { clock, set } = clockAt(T0);
    expect(decodeHlc(clock.tick())).toEqual({ wallMs: T0, counter: 0, node: 'edge-1' });
    set(T0 + 5);
    expect(decodeHlc(clock.tick())).toEqual({ wallMs: T0 + 5, counter: 0, node: 'edge-1' });
  });

  it('never goes backwards when the wall clock jumps back (power cut without RTC)', () => {
    const { clock, set } = clockAt(T0);
    const before = clock.tick();
    set(T0 - 3_600_000);
    const after = clock.tick();
    expect(compareHlc(after, before)).toBeGreaterThan(0);
    expect(decodeHlc(after)).toMatchObject({ wallMs: T0, counter: 1 });
  });

  it('orders a local edit after a received remote stamp', () => {
    const { clock } = clockAt(T0);
    const remote = encodeHlc({ wallMs: T0 + 1000, counter: 7, node: 'cloud' });
    const merged = clock.receive(remote);
    expect(compareHlc(merged, remote)).toBeGreaterThan(0);
    expect(compareHlc(clock.tick(), merged)).toBeGreaterThan(0);
  });

  it('refuses a remote stamp implausibly far in the future', () => {
    const { clock } = clockAt(T0);
    const remote = encodeHlc({ wallMs: T0 + 2 * 24 * 3_600_000, counter: 0, node: 'cloud' });
    expect(() => clock.receive(remote)).toThrow(/ahead of ours/);
  });

  it('resumes from a persisted stamp so a restart cannot reissue old stamps', () => {
    const { clock } = clockAt(T0);
    clock.tick();
    const saved = clock.tick();
    const restarted = new HybridLogicalClock({ node: 'edge-1', now: () => T0 - 10 }, saved);
    expect(compareHlc(restarted.tick(), saved)).toBeGreaterThan(0);
  });

  it('rejects malformed encoded stamps', () => {
    for (const bad of ['', '123', '000000000000001:00000:', 'x:y:z', '000000000000001:00000:a b', `${'9'.repeat(16)}:00000:n`]) {
      expect(() => decodeHlc(bad)).toThrow(/hybrid logical clock/);
    }
  });

  it('issues strictly increasing stamps under any sequence of clock jumps and receives (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('tick' as const), jump: fc.integer({ min: -100_000, max: 100_000 }) }),
            fc.record({ kind: fc.constant('receive' as const), offset: fc.integer({ min: -100_000, max: 100_000 }), counter: fc.integer({ min: 0, max: 99_999 }) }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const { clock, set } = clockAt(T0);
          let now = T0;
          let last = clock.current();
          for (const step of steps) {
            const next =
              step.kind === 'tick'
                ? (set((now += step.jump)), clock.tick())
                : clock.receive(encodeHlc({ wallMs: now + step.offset, counter: step.counter, node: 'cloud' }));
            expect(compareHlc(next, last)).toBeGreaterThan(0);
            last = next;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
