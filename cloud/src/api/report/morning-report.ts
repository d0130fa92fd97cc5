import type pg from 'pg';
import { computeBand, selectClimateRule, selectCurrentFlock } from '../state/coop-band.js';
import { loadFarmConfig } from '../state/farm-config.js';
import type { FarmStatus } from '../state/farm-status.js';
import { addDays, localDayBounds } from '../state/zoned-day.js';
import { expectConsumption, type FlockExpectation } from './flock-expectation.js';

/** A change against yesterday or the curve of at least this much is an exception. */
export const DEVIATION_PERCENT = 20;
/** A coop out of its band for at least this many minutes of the day is an exception. */
export const OUT_OF_BAND_MINUTES = 15;

export interface Comparison {
  value: number | null;
  yesterday: number | null;
  vsYesterdayPercent: number | null;
  expected: number | null;
  vsExpectedPercent: number | null;
}

export interface CoopReport {
  coopId: string;
  coopName: string;
  recorded: boolean;
  flock: { id: string; name: string; growthDay: number; birds: number; basis: string } | null;
  /** Meter units (litres on the meters the product ships with) between the day's and the previous day's readings. */
  water: Comparison;
  feedBags: Comparison;
  /** Deaths (all causes) and culls recorded on the day. */
  mortality: number | null;
  culls: number | null;
  band: { lowC: number; highC: number } | null;
  minutesAbove: number;
  minutesBelow: number;
  minutesWithData: number;
  exceptions: Array<{ kind: string; message: string }>;
}

export interface FarmReport {
  farmId: string;
  farmName: string;
  date: string;
  timeZone: string;
  coops: CoopReport[];
  exceptionCount: number;
}

interface DailyRow {
  coop_id: string;
  date: string;
  feed_bags: number | null;
  water_meter: number | null;
  deaths: number;
  culls: number;
}

const percent = (value: number | null, base: number | null): number | null =>
  value === null || base === null || base === 0 ? null : Math.round(((value - base) / base) * 1000) / 10;

function compare(value: number | null, yesterday: number | null, expected: number | null): Comparison {
  return { value, yesterday, vsYesterdayPercent: percent(value, yesterday), expected, vsExpectedPercent: percent(value, expected) };
}

/** Morning exception report of one farm for one farm-local date. */
export async function buildFarmReport(db: pg.Pool, farm: FarmStatus, date: string): Promise<FarmReport> {
  const config = await loadFarmConfig(db, farm.id);
  const { rows: daily } = await db.query<DailyRow>(
    `SELECT coop_id, to_char(date, 'YYYY-MM-DD') AS date, feed_bags, water_meter,
            mortality_heat + mortality_sick + mortality_injured + mortality_unknown AS deaths, culls
       FROM daily_record WHERE farm_id = $1 AND date BETWEEN $2::date AND $3::date`,
    [farm.id, addDays(date, -2), date],
  );
  const record = (coopId: string, day: string) => daily.find((row) => row.coop_id === coopId && row.date === day);
  const coops: CoopReport[] = [];
  for (const coop of config.coops) {
    const today = record(coop.id, date);
    const d1 = record(coop.id, addDays(date, -1));
    const d2 = record(coop.id, addDays(date, -2));
    const used = (later?: DailyRow, earlier?: DailyRow) =>
      later?.water_meter == null || earlier?.water_meter == null || later.water_meter < earlier.water_meter ? null : later.water_meter - earlier.water_meter;
    const flock = selectCurrentFlock(config.flocks, coop.id);
    let expectation: FlockExpectation | undefined;
    if (flock) {
      const { rows } = await db.query<{ losses: string | null }>(
        `SELECT sum(mortality_heat + mortality_sick + mortality_injured + mortality_unknown + culls) AS losses
           FROM daily_record WHERE farm_id = $1 AND coop_id = $2 AND date >= $3::date AND date < $4::date`,
        [farm.id, coop.id, flock.placedOn, date],
      );
      expectation = expectConsumption(flock, date, Number(rows[0]?.losses ?? 0));
    }
    const water = compare(used(today, d1), used(d1, d2), expectation ? expectation.waterLitres : null);
    const feedBags = compare(today?.feed_bags ?? null, d1?.feed_bags ?? null, expectation ? expectation.feedBags : null);
    const rule = selectClimateRule(config.rules, coop.id);
    const band = rule ? computeBand(rule, flock, date) : null;
    const sensorIds = config.sensors.filter((s) => s.coopId === coop.id && s.kind === 'temperature' && s.installed).map((s) => s.id);
    const minutes = band ? await countBandMinutes(db, farm.id, sensorIds, localDayBounds(date, farm.timeZone), band) : { above: 0, below: 0, withData: 0 };
    const report: CoopReport = {
      coopId: coop.id,
      coopName: coop.name,
      recorded: today !== undefined,
      flock: flock && expectation ? { id: flock.id, name: flock.name, growthDay: expectation.growthDay, birds: expectation.birds, basis: expectation.basis } : null,
      water,
      feedBags,
      mortality: today ? today.deaths : null,
      culls: today ? today.culls : null,
      band: band ? { lowC: Math.round(band.lowC * 10) / 10, highC: Math.round(band.highC * 10) / 10 } : null,
      minutesAbove: minutes.above,
      minutesBelow: minutes.below,
      minutesWithData: minutes.withData,
      exceptions: [],
    };
    report.exceptions = findExceptions(report);
    coops.push(report);
  }
  return { farmId: farm.id, farmName: farm.name, date, timeZone: farm.timeZone, coops, exceptionCount: coops.reduce((n, c) => n + c.exceptions.length, 0) };
}

/** The lines an owner should read first; everything within tolerance is left out. */
export function findExceptions(report: CoopReport): Array<{ kind: string; message: string }> {
  const found: Array<{ kind: string; message: string }> = [];
  const name = report.coopName;
  if (!report.recorded) found.push({ kind: 'no_record', message: `${name}: no daily record.` });
  const check = (kind: string, label: string, pct: number | null, against: string) => {
    if (pct !== null && Math.abs(pct) >= DEVIATION_PERCENT) {
      found.push({ kind, message: `${name} ${label} ${Math.abs(pct)} % ${pct < 0 ? 'less' : 'more'} than ${against}.` });
    }
  };
  check('water_vs_yesterday', 'drank', report.water.vsYesterdayPercent, 'yesterday');
  check('water_vs_curve', 'drank', report.water.vsExpectedPercent, 'the flock curve expects');
  check('feed_vs_yesterday', 'ate', report.feedBags.vsYesterdayPercent, 'yesterday');
  check('feed_vs_curve', 'ate', report.feedBags.vsExpectedPercent, 'the flock curve expects');
  if (report.minutesAbove >= OUT_OF_BAND_MINUTES) found.push({ kind: 'too_hot', message: `${name} was above ${report.band?.highC} °C for ${report.minutesAbove} min.` });
  if (report.minutesBelow >= OUT_OF_BAND_MINUTES) found.push({ kind: 'too_cold', message: `${name} was below ${report.band?.lowC} °C for ${report.minutesBelow} min.` });
  return found;
}

/** Minutes of the day whose mean coop temperature (over its sensors) was above or below the band. */
async function countBandMinutes(
  db: pg.Pool,
  farmId: string,
  sensorIds: readonly string[],
  day: { start: number; end: number },
  band: { lowC: number; highC: number },
): Promise<{ above: number; below: number; withData: number }> {
  if (sensorIds.length === 0) return { above: 0, below: 0, withData: 0 };
  const { rows } = await db.query<{ above: string; below: string; total: string }>(
    `SELECT count(*) FILTER (WHERE t > $5) AS above, count(*) FILTER (WHERE t < $6) AS below, count(*) AS total FROM (
       SELECT bucket_start, avg(sum / count) AS t FROM telemetry_rollup
        WHERE farm_id = $1 AND sensor_id = ANY($2::text[]) AND resolution = 'minute' AND bucket_start >= $3 AND bucket_start < $4 AND count > 0
        GROUP BY bucket_start) m`,
    [farmId, [...sensorIds], day.start, day.end, band.highC, band.lowC],
  );
  return { above: Number(rows[0]!.above), below: Number(rows[0]!.below), withData: Number(rows[0]!.total) };
}
