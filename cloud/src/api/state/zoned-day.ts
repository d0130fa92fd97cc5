/** Calendar-day arithmetic in a farm's time zone, on "YYYY-MM-DD" strings and epoch milliseconds. */

/** The farm-local date of an instant. */
export function formatLocalDate(at: number, zone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The date `days` after (or before) `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function diffDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function offsetAt(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const f: Record<string, number> = {};
  for (const part of parts) if (part.type !== 'literal') f[part.type] = Number(part.value);
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - Math.floor(at / 1000) * 1000;
}

/** The instant local midnight begins `date` in `zone` (twice-corrected so a DST change is honoured). */
export function startOfLocalDay(date: string, zone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let guess = utcMidnight - offsetAt(utcMidnight, zone);
  guess = utcMidnight - offsetAt(guess, zone);
  return guess;
}

/** [start, end) of the farm-local day. */
export function localDayBounds(date: string, zone: string): { start: number; end: number } {
  return { start: startOfLocalDay(date, zone), end: startOfLocalDay(addDays(date, 1), zone) };
}
