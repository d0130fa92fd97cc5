import { describe, expect, it } from 'vitest';
import { addDays, formatLocalTime, getLocalParts, toInstant } from '../../src/automation/zoned-time.js';

describe('zoned time', () => {
  it('maps Phnom Penh wall-clock times to UTC+7 instants', () => {
    expect(toInstant({ year: 2026, month: 3, day: 10 }, 6 * 60, 'Asia/Phnom_Penh')).toBe(Date.parse('2026-03-09T23:00:00Z'));
    expect(getLocalParts(Date.parse('2026-03-09T23:00:00Z'), 'Asia/Phnom_Penh')).toMatchObject({ day: 10, hour: 6, weekday: 2 });
  });

  it('moves a time inside the Berlin spring-forward gap past the gap', () => {
    expect(toInstant({ year: 2026, month: 3, day: 29 }, 2 * 60 + 30, 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00Z'));
  });

  it('takes the first of the two Berlin fall-back occurrences', () => {
    expect(toInstant({ year: 2026, month: 10, day: 25 }, 2 * 60 + 30, 'Europe/Berlin')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(toInstant({ year: 2026, month: 10, day: 25 }, 4 * 60, 'Europe/Berlin')).toBe(Date.parse('2026-10-25T03:00:00Z'));
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });

  it('formats seconds only when they are not zero', () => {
    expect(formatLocalTime(Date.parse('2026-03-10T07:02:00Z'), 'Asia/Phnom_Penh')).toBe('14:02');
    expect(formatLocalTime(Date.parse('2026-03-10T07:02:30Z'), 'Asia/Phnom_Penh')).toBe('14:02:30');
  });
});

describe('zone offsets (cached per quarter hour)', () => {
  it('agree with Intl at every quarter hour across a year in zones with and without DST', () => {
    for (const zone of ['Asia/Phnom_Penh', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 6 * 3_600_000 + 7 * 60_000) {
        const p = getLocalParts(t, zone);
        expect(fmt.format(t)).toBe(`${p.month}/${p.day}/${p.year}, ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`);
      }
    }
  });
});
