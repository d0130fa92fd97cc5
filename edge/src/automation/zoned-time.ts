/**
 * Wall-clock arithmetic in a farm's IANA time zone, on epoch milliseconds. Schedules are written
 * in local time ("06:00"), but everything is computed and stored in UTC instants so a DST change
 * never stretches or repeats a run.
 */

/** Local calendar fields of an instant in a zone. `weekday` is 0 = Sunday … 6 = Saturday. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Asks Intl for the offset: exact, but slow (a few microseconds), so results are cached below. */
function readZoneOffset(at: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Zones change offset only on quarter-hour boundaries (all of them since 1980), so one lookup per quarter hour. */
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, Map<number, number>>();
const CACHE_LIMIT = 50_000;

/** The zone's offset from UTC at an instant, in milliseconds (Phnom Penh: +7 h). */
export function getZoneOffset(at: number, zone: string): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(at / QUARTER_HOUR);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    offset = readZoneOffset(bucket * QUARTER_HOUR, zone);
    cache.set(bucket, offset);
  }
  return offset;
}

/** Splits an instant into the local date and time of `zone`. */
export function getLocalParts(at: number, zone: string): LocalParts {
  const local = new Date(at + getZoneOffset(at, zone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
  };
}

/**
 * The instant a local wall-clock time occurs in `zone`. A time skipped by a spring-forward gap
 * maps to the same offset past the gap (02:30 → 03:30 in Berlin); a time repeated by a fall-back
 * maps to its first occurrence.
 */
export function toInstant(date: LocalDate, minuteOfDay: number, zone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // Offsets a few hours either side cover any transition; the earlier offset gives the first
  // occurrence of a repeated hour, the later candidate handles the gap.
  const before = naive - getZoneOffset(naive - 6 * 3_600_000, zone);
  const after = naive - getZoneOffset(naive + 6 * 3_600_000, zone);
  const first = Math.min(before, after);
  const second = Math.max(before, after);
  if (naive - getZoneOffset(first, zone) === first) return first;
  if (naive - getZoneOffset(second, zone) === second) return second;
  // In a gap neither candidate round-trips: use the pre-gap offset, which lands past the gap.
  return before;
}

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The local calendar date of an instant. */
export function getLocalDate(at: number, zone: string): LocalDate {
  const p = getLocalParts(at, zone);
  return { year: p.year, month: p.month, day: p.day };
}

/** Moves a calendar date by whole days (pure calendar arithmetic, no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Day of the week of a calendar date, 0 = Sunday. */
export function getWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** Whole days from `from` to `to` (calendar days, DST-proof). */
export function diffDays(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
}

/** Parses "YYYY-MM-DD". */
export function parseLocalDate(text: string): LocalDate {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

/** Minutes after local midnight of "HH:MM". */
export function parseTimeOfDay(text: string): number {
  const [hour, minute] = text.split(':').map(Number);
  return hour! * 60 + minute!;
}

/** "14:02" (or "14:02:30") in the farm's zone: how reasons show a time to a worker. */
export function formatLocalTime(at: number, zone: string): string {
  const p = getLocalParts(at, zone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  return p.second === 0 ? hm : `${hm}:${String(p.second).padStart(2, '0')}`;
}
