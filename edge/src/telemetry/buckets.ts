import type { Resolution } from '../db/index.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Bucket starts for a farm's time zone: minutes and hours are absolute, days start at local
 * midnight. The zone offset is looked up once per hour and cached (zones change offset on the hour).
 */
export class Bucketer {
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  start(resolution: Resolution, ts: number): number {
    if (resolution === 'minute') return ts - mod(ts, MINUTE);
    if (resolution === 'hour') return ts - mod(ts, HOUR);
    const offset = this.offsetAt(ts);
    return ts - mod(ts + offset, DAY);
  }

  private offsetAt(ts: number): number {
    const hour = ts - mod(ts, HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const name = this.format.formatToParts(hour).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
      const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
      offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * MINUTE) : 0;
      if (this.offsets.size > 10_000) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    return offset;
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export const RESOLUTION_MS: Record<Resolution, number> = { minute: MINUTE, hour: HOUR, day: DAY };
