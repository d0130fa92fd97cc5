import type { Clock } from '../clock.js';
import type { EdgeDatabase, ReadingsRepository, Resolution } from '../db/index.js';
import type { EventLog } from '../events/event-log.js';

export interface HousekeepingOptions {
  rawRetentionDays: number;
  minuteRetentionDays: number;
  hourRetentionDays: number;
  dayRetentionDays: number;
  diskBudgetMb: number;
  housekeepingIntervalSeconds: number;
}

export interface HousekeepingReport {
  rawExpired: number;
  rollupsExpired: number;
  rawThinned: number;
  rollupsThinned: number;
  sizeBefore: number;
  sizeAfter: number;
  budgetBytes: number;
  withinBudget: boolean;
}

const DAY = 86_400_000;

/**
 * Retention and the disk budget. Old data past its retention goes first; then, while the store
 * (file + WAL) is over 90 % of the budget, the oldest raw readings are thinned away, then the
 * oldest minute and hour rollups. Events and day rollups are never touched here.
 */
export class Housekeeper {
  private timer: NodeJS.Timeout | undefined;
  private lastCheck = 0;
  lastReport: HousekeepingReport | undefined;

  constructor(
    private readonly deps: { database: EdgeDatabase; readings: ReadingsRepository; events: EventLog; clock: Clock; options: HousekeepingOptions },
  ) {}

  get budgetBytes(): number {
    return Math.floor(this.deps.options.diskBudgetMb * 1024 * 1024);
  }

  start(): void {
    this.timer = setInterval(() => this.run(), this.deps.options.housekeepingIntervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Cheap check after each telemetry flush: enforces the budget as soon as the store crosses it. */
  checkBudget(): void {
    const now = Date.now();
    if (now - this.lastCheck < 250) return;
    this.lastCheck = now;
    if (this.deps.database.sizeOnDisk() > this.budgetBytes * 0.9) this.run();
  }

  run(): HousekeepingReport {
    const { database, readings, clock, options } = this.deps;
    const now = clock.now();
    const sizeBefore = database.sizeOnDisk();
    const rawExpired = readings.deleteRawBefore(now - options.rawRetentionDays * DAY);
    let rollupsExpired = 0;
    const retention: [Resolution, number][] = [
      ['minute', options.minuteRetentionDays],
      ['hour', options.hourRetentionDays],
      ['day', options.dayRetentionDays],
    ];
    for (const [resolution, days] of retention) rollupsExpired += readings.deleteRollupsBefore(resolution, now - days * DAY);
    if (rawExpired + rollupsExpired > 0) database.compact();

    const target = this.budgetBytes * 0.9;
    let rawThinned = 0;
    let rollupsThinned = 0;
    while (database.sizeOnDisk() > target) {
      const raw = readings.rawCount();
      if (raw > 0) {
        rawThinned += readings.deleteOldestRaw(Math.max(1000, Math.ceil(raw * 0.1)));
      } else {
        const resolution = (['minute', 'hour'] as const).find((candidate) => readings.rollupCount(candidate) > 0);
        if (!resolution) break;
        rollupsThinned += readings.deleteOldestRollups(resolution, Math.max(500, Math.ceil(readings.rollupCount(resolution) * 0.1)));
      }
      database.compact();
    }
    const sizeAfter = database.sizeOnDisk();
    const report = { rawExpired, rollupsExpired, rawThinned, rollupsThinned, sizeBefore, sizeAfter, budgetBytes: this.budgetBytes, withinBudget: sizeAfter <= this.budgetBytes };
    if (rawThinned + rollupsThinned > 0) {
      this.deps.events.append({
        type: 'telemetry_gap',
        coopId: null,
        actorId: null,
        summary: `disk budget: thinned ${rawThinned} raw readings and ${rollupsThinned} rollups to stay within ${options.diskBudgetMb} MiB`,
        detail: { rawThinned, rollupsThinned, sizeBefore, sizeAfter, budgetBytes: this.budgetBytes },
      });
    }
    this.lastReport = report;
    return report;
  }
}
