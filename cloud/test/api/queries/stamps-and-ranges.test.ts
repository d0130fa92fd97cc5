import { describe, expect, it } from 'vitest';
import { decodeHlc } from '@tokkatot/shared';
import { nextStamp } from '../../../src/api/queries/config-edit.js';
import { chooseResolution } from '../../../src/api/queries/history.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 10);

describe('history resolution', () => {
  it('switches at exactly 6 hours and 14 days', () => {
    expect(chooseResolution(T, T + 6 * HOUR)).toBe('minute');
    expect(chooseResolution(T, T + 6 * HOUR + 1)).toBe('hour');
    expect(chooseResolution(T, T + 14 * 24 * HOUR)).toBe('hour');
    expect(chooseResolution(T, T + 14 * 24 * HOUR + 1)).toBe('day');
  });
});

describe('cloud edit stamps', () => {
  it('follows the wall clock when it is ahead, and steps the counter past a stamp from the future', () => {
    expect(decodeHlc(nextStamp('000001773100000:00003:edge-pi', T))).toEqual({ wallMs: T, counter: 0, node: 'cloud-api' });
    expect(decodeHlc(nextStamp(`${String(T + 5000).padStart(15, '0')}:00003:edge-pi`, T))).toEqual({ wallMs: T + 5000, counter: 4, node: 'cloud-api' });
    expect(decodeHlc(nextStamp(`${String(T + 5000).padStart(15, '0')}:99999:edge-pi`, T))).toEqual({ wallMs: T + 5001, counter: 0, node: 'cloud-api' });
    expect(decodeHlc(nextStamp('not a stamp', T))).toEqual({ wallMs: T, counter: 0, node: 'cloud-api' });
  });

  it('always sorts after the stamp it replaces', () => {
    for (const previous of ['000000000000001:00000:zzz', `${String(T).padStart(15, '0')}:00000:zzzzzz`, `${String(T + 1).padStart(15, '0')}:00010:a`]) {
      expect(nextStamp(previous, T) > previous).toBe(true);
    }
  });
});
