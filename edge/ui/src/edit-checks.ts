import type { MessageKey } from './i18n/en.js';

/**
 * Checks of what a manager types, before anything is sent, in words a farmer understands. The
 * limits mirror the shared schemas (shared/src/domain); the edge checks again and has the last word.
 */
export interface Problem {
  key: MessageKey;
  values?: Record<string, string>;
}
export type Problems = Record<string, Problem>;

/** A number typed into a field, in [min, max] (and whole when asked), or the problem with it. */
export function readNumber(raw: string, min: number, max: number, whole = false): { value: number } | { problem: Problem } {
  const text = raw.trim().replace(',', '.');
  if (text === '') return { problem: { key: 'errRequired' } };
  const value = Number(text);
  if (!Number.isFinite(value)) return { problem: { key: 'errRange', values: { min: String(min), max: String(max) } } };
  if (whole && !Number.isInteger(value)) return { problem: { key: 'errWhole' } };
  if (value < min || value > max) return { problem: { key: 'errRange', values: { min: String(min), max: String(max) } } };
  return { value };
}

/** Reads fields by name into numbers, collecting every problem under the field's name. */
export function readNumbers<K extends string>(
  raw: Record<K, string>,
  limits: Record<K, [number, number, boolean?]>,
): { values: Record<K, number>; problems: Problems } {
  const values = {} as Record<K, number>;
  const problems: Problems = {};
  for (const name of Object.keys(limits) as K[]) {
    const [min, max, whole] = limits[name];
    const read = readNumber(raw[name] ?? '', min, max, whole ?? false);
    if ('value' in read) values[name] = read.value;
    else problems[name] = read.problem;
  }
  return { values, problems };
}

export interface CurveRow {
  day: string;
  temperature: string;
}

/** A target curve from its rows: days whole from -7 to 120 and not repeated, 10–40 °C; sorted by day. */
export function checkCurve(rows: CurveRow[]): { curve: Array<{ day: number; temperatureC: number }>; problems: Problems } {
  const problems: Problems = {};
  const curve: Array<{ day: number; temperatureC: number }> = [];
  if (rows.length === 0) problems.curve = { key: 'errCurveEmpty' };
  const seen = new Set<number>();
  rows.forEach((row, i) => {
    const day = readNumber(row.day, -7, 120, true);
    const temperature = readNumber(row.temperature, 10, 40);
    if ('problem' in day) problems[`day-${i}`] = day.problem;
    else if (seen.has(day.value)) problems[`day-${i}`] = { key: 'errDayRepeated' };
    else seen.add(day.value);
    if ('problem' in temperature) problems[`temperature-${i}`] = temperature.problem;
    if ('value' in day && 'value' in temperature) curve.push({ day: day.value, temperatureC: temperature.value });
  });
  curve.sort((a, b) => a.day - b.day);
  return { curve, problems };
}

export interface StageRow {
  outputId: string;
  degrees: string;
}

/** Stages from their rows: an output chosen once, 0–20 °C from the band. */
export function checkStages(rows: StageRow[], prefix: string): { stages: Array<{ outputId: string; degrees: number }>; problems: Problems } {
  const problems: Problems = {};
  const stages: Array<{ outputId: string; degrees: number }> = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!row.outputId) problems[`${prefix}-output-${i}`] = { key: 'errRequired' };
    else if (seen.has(row.outputId)) problems[`${prefix}-output-${i}`] = { key: 'errStageTwice' };
    seen.add(row.outputId);
    const degrees = readNumber(row.degrees, 0, 20);
    if ('problem' in degrees) problems[`${prefix}-degrees-${i}`] = degrees.problem;
    else stages.push({ outputId: row.outputId, degrees: degrees.value });
  });
  return { stages, problems };
}

/** A cron expression's shape (5 fields); the edge parses it fully. */
export function checkCron(text: string): Problem | null {
  return /^\s*(\S+\s+){4}\S+\s*$/.test(text) && /^[0-9*,/\-\sA-Za-z?LW#]+$/.test(text) ? null : { key: 'errCron' };
}

export interface StepRow {
  state: 'on' | 'off';
  minutes: string;
}

/** An ON/OFF sequence: 1–32 steps of 1 s to 24 h, ending OFF. */
export function checkSteps(rows: StepRow[]): { steps: Array<{ state: 'on' | 'off'; seconds: number }>; problems: Problems } {
  const problems: Problems = {};
  const steps: Array<{ state: 'on' | 'off'; seconds: number }> = [];
  rows.forEach((row, i) => {
    const minutes = readNumber(row.minutes, 0.01, 1440);
    if ('problem' in minutes) problems[`step-${i}`] = minutes.problem;
    else steps.push({ state: row.state, seconds: Math.round(minutes.value * 60) });
  });
  if (rows.length === 0 || rows.at(-1)!.state !== 'off') problems.steps = { key: 'errStepsEndOff' };
  return { steps, problems };
}
