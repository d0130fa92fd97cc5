import { describe, expect, it } from 'vitest';
import { DEFAULT_UPDATE_WINDOW } from '@tokkatot/shared';
import { isInsideUpdateWindow } from '../../src/firmware-update/index.js';

const PHNOM_PENH = 'Asia/Phnom_Penh'; // UTC+7
const BERLIN = 'Europe/Berlin'; // daylight saving
/** 26 Nov 2026 at hh:mm in Phnom Penh. */
const pp = (hour: number, minute = 0) => Date.UTC(2026, 10, 26, hour - 7, minute);

describe('isInsideUpdateWindow', () => {
  it('is inside from the start (included) to the end (excluded), on the farm clock', () => {
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, pp(1, 59), PHNOM_PENH)).toBe(false);
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, pp(2, 0), PHNOM_PENH)).toBe(true);
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, pp(3, 59), PHNOM_PENH)).toBe(true);
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, pp(4, 0), PHNOM_PENH)).toBe(false);
    // 02:30 UTC is 09:30 on the farm: the farm's clock decides, not the Pi's UTC.
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, Date.UTC(2026, 10, 26, 2, 30), PHNOM_PENH)).toBe(false);
  });

  it('spans midnight when the end is before the start', () => {
    const window = { start: '23:00', end: '01:30' };
    expect(isInsideUpdateWindow(window, pp(22, 59), PHNOM_PENH)).toBe(false);
    expect(isInsideUpdateWindow(window, pp(23, 0), PHNOM_PENH)).toBe(true);
    expect(isInsideUpdateWindow(window, pp(24, 0), PHNOM_PENH)).toBe(true);
    expect(isInsideUpdateWindow(window, pp(25, 29), PHNOM_PENH)).toBe(true);
    expect(isInsideUpdateWindow(window, pp(25, 30), PHNOM_PENH)).toBe(false);
    expect(isInsideUpdateWindow(window, pp(12), PHNOM_PENH)).toBe(false);
  });

  it('treats a window that ends where it starts as empty', () => {
    const window = { start: '02:00', end: '02:00' };
    for (let hour = 0; hour < 24; hour++) expect(isInsideUpdateWindow(window, pp(hour), PHNOM_PENH)).toBe(false);
  });

  it('follows a daylight-saving change of the farm zone', () => {
    // Berlin: 02:30 local is 01:30 UTC in winter and 00:30 UTC in summer.
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, Date.UTC(2026, 0, 15, 1, 30), BERLIN)).toBe(true);
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, Date.UTC(2026, 6, 15, 0, 30), BERLIN)).toBe(true);
    expect(isInsideUpdateWindow(DEFAULT_UPDATE_WINDOW, Date.UTC(2026, 6, 15, 2, 30), BERLIN)).toBe(false);
  });
});
