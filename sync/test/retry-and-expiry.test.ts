import { describe, expect, it } from 'vitest';
import { ByteRateLimiter, checkCommandExpiry, classifyFailure, computeBackoff, isCommandExpired, nextRetryDelay, parseRetryAfter } from '../src/index.js';

describe('classifyFailure', () => {
  it('never retries authentication failures blindly and resyncs on 410', () => {
    expect(classifyFailure(401)).toBe('auth');
    expect(classifyFailure(403)).toBe('auth');
    expect(classifyFailure(410)).toBe('resync');
    expect(classifyFailure(503)).toBe('retry');
    expect(classifyFailure(429)).toBe('retry');
    expect(classifyFailure(undefined)).toBe('retry');
    expect(classifyFailure(400)).toBe('fatal');
  });
});

describe('computeBackoff', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    const opts = { baseMs: 1000, maxMs: 300_000 };
    expect(computeBackoff(0, { ...opts, random: () => 0.999 })).toBe(999);
    expect(computeBackoff(3, { ...opts, random: () => 0.999 })).toBe(7992);
    expect(computeBackoff(40, { ...opts, random: () => 0.5 })).toBe(150_000);
    expect(computeBackoff(5, { ...opts, random: () => 0 })).toBe(1);
  });

  it('honours Retry-After in seconds or as a date, capped, and prefers it to backoff', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('999999999', 0)).toBe(3_600_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(nextRetryDelay(9, 2000, { baseMs: 1, maxMs: 10, random: () => 0.5 })).toBe(2000);
  });
});

describe('checkCommandExpiry', () => {
  const command = { notBefore: 10_000, expiresAt: 20_000 };
  const opts = { maxFixAgeMs: 600_000 };

  it('runs a command inside its window by estimated server time', () => {
    expect(checkCommandExpiry(command, { serverNowMs: 12_000, monotonicMs: 500 }, 1500, opts)).toEqual({ run: true, serverNowMs: 13_000 });
  });

  it('refuses an expired or not-yet-valid command', () => {
    expect(checkCommandExpiry(command, { serverNowMs: 19_000, monotonicMs: 0 }, 1000, opts)).toMatchObject({ run: false, reason: 'expired' });
    expect(checkCommandExpiry(command, { serverNowMs: 5_000, monotonicMs: 0 }, 0, opts)).toMatchObject({ run: false, reason: 'not_yet' });
  });

  it('refuses to run without a fresh server-time fix, whatever the wall clock says', () => {
    expect(checkCommandExpiry(command, undefined, 0, opts)).toEqual({ run: false, reason: 'untrusted_time' });
    expect(checkCommandExpiry(command, { serverNowMs: 12_000, monotonicMs: 0 }, 700_000, opts)).toEqual({ run: false, reason: 'untrusted_time' });
    expect(checkCommandExpiry(command, { serverNowMs: 12_000, monotonicMs: 100 }, 50, opts)).toEqual({ run: false, reason: 'untrusted_time' });
  });

  it('tells the server when to tombstone', () => {
    expect(isCommandExpired(command, 19_999)).toBe(false);
    expect(isCommandExpired(command, 20_000)).toBe(true);
  });
});

describe('ByteRateLimiter', () => {
  it('lets a burst through, then spaces sends at the configured rate', () => {
    let now = 0;
    const limiter = new ByteRateLimiter(1000, 2000, () => now);
    expect(limiter.take(2000)).toBe(0);
    expect(limiter.take(500)).toBe(500);
    now = 1500;
    expect(limiter.take(500)).toBe(0);
  });
});
