import { describe, expect, it } from 'vitest';
import { addDays, diffDays, formatLocalDate, localDayBounds, startOfLocalDay } from '../../../src/api/state/zoned-day.js';

describe('farm-local days', () => {
  it('finds local midnight in a zone without daylight saving', () => {
    expect(startOfLocalDay('2026-03-10', 'Asia/Phnom_Penh')).toBe(Date.UTC(2026, 2, 9, 17));
    expect(formatLocalDate(Date.UTC(2026, 2, 9, 17), 'Asia/Phnom_Penh')).toBe('2026-03-10');
    expect(formatLocalDate(Date.UTC(2026, 2, 9, 17) - 1, 'Asia/Phnom_Penh')).toBe('2026-03-09');
  });

  it('gives the 23-hour and 25-hour days of a daylight-saving change their real length', () => {
    const spring = localDayBounds('2026-03-08', 'America/New_York');
    expect(spring.start).toBe(Date.UTC(2026, 2, 8, 5));
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    const autumn = localDayBounds('2026-11-01', 'America/New_York');
    expect(autumn.end - autumn.start).toBe(25 * 3_600_000);
  });

  it('counts and steps days across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(diffDays('2026-02-18', '2026-03-10')).toBe(20);
    expect(diffDays('2026-03-10', '2026-02-18')).toBe(-20);
  });
});
