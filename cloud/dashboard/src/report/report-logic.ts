import type { Comparison, CoopReport, FarmReport, ReportException } from '../api/report-types.js';
import type { MessageKey } from '../i18n/en.js';
import { keyOr, localDigits, type Locale } from '../i18n/i18n.js';

/** A sentence of the catalogue and the values of its placeholders. */
export interface Sentence {
  key: MessageKey;
  values: Record<string, string | number>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a calendar date as the API takes it (YYYY-MM-DD, a day that exists). */
export function isReportDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The calendar day `days` after `date` (negative: before). Calendar arithmetic, no time zone. */
export function shiftDate(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** "26/11/2026" in the language's digits (the order owners write dates in, in both languages). */
export function formatReportDate(locale: Locale, date: string): string {
  const [year, month, day] = date.split('-');
  return localDigits(locale, `${day}/${month}/${year}`);
}

/** A number with at most one decimal ("33.3", "200"), in the language's digits. */
export function formatAmount(locale: Locale, value: number): string {
  return localDigits(locale, String(Math.round(value * 10) / 10));
}

/** A signed change ("+12.5 %", "−33.3 %", "0 %"), in the language's digits. */
export function formatChange(locale: Locale, percent: number): string {
  const sign = percent > 0 ? '+' : percent < 0 ? '−' : '';
  return `${sign}${formatAmount(locale, Math.abs(percent))} %`;
}

/** Coops with the most exceptions first; otherwise the farm's order. */
export function orderCoops(coops: readonly CoopReport[]): CoopReport[] {
  return coops
    .map((coop, index) => ({ coop, index }))
    .sort((a, b) => b.coop.exceptions.length - a.coop.exceptions.length || a.index - b.index)
    .map(({ coop }) => coop);
}

const COMPARED: Record<string, { measure: 'water' | 'feed'; against: 'yesterday' | 'curve' }> = {
  water_vs_yesterday: { measure: 'water', against: 'yesterday' },
  water_vs_curve: { measure: 'water', against: 'curve' },
  feed_vs_yesterday: { measure: 'feed', against: 'yesterday' },
  feed_vs_curve: { measure: 'feed', against: 'curve' },
};

/**
 * One exception as a sentence of the catalogue, built from the coop's figures rather than the
 * server's English message: the direction from the percentage's sign, the limit from the band.
 */
export function describeException(coop: CoopReport, exception: Pick<ReportException, 'kind'>): Sentence {
  const name = coop.coopName;
  const compared = COMPARED[exception.kind];
  if (compared) {
    const comparison: Comparison = compared.measure === 'water' ? coop.water : coop.feedBags;
    const percent = compared.against === 'yesterday' ? comparison.vsYesterdayPercent : comparison.vsExpectedPercent;
    if (percent === null) return { key: 'repEx_other', values: { coop: name } };
    const direction = percent < 0 ? 'less' : 'more';
    return { key: `repEx_${compared.measure}_${direction}_${compared.against}` as MessageKey, values: { coop: name, percent: Math.round(Math.abs(percent) * 10) / 10 } };
  }
  if (exception.kind === 'too_hot' && coop.band) return { key: 'repEx_too_hot', values: { coop: name, limit: coop.band.highC, minutes: coop.minutesAbove } };
  if (exception.kind === 'too_cold' && coop.band) return { key: 'repEx_too_cold', values: { coop: name, limit: coop.band.lowC, minutes: coop.minutesBelow } };
  return { key: keyOr('repEx_', exception.kind, 'repEx_other'), values: { coop: name } };
}

/** A farm's line above its coops: how many things to check, or that nothing is unusual. */
export function summarizeFarm(report: Pick<FarmReport, 'exceptionCount' | 'coops'>): Sentence {
  if (report.coops.length === 0) return { key: 'noCoops', values: {} };
  return report.exceptionCount > 0 ? { key: 'repFarmExceptions', values: { count: report.exceptionCount } } : { key: 'repFarmNone', values: {} };
}

/** The reported day of the answer, when every farm reported the same one (the date picker's value). */
export function reportedDate(report: { farms: ReadonlyArray<Pick<FarmReport, 'date'>> }): string | null {
  const dates = new Set(report.farms.map((farm) => farm.date));
  return dates.size === 1 ? [...dates][0]! : null;
}
