import type { ClimateRule } from '@tokkatot/shared';
import { HOUSE_MODE_POLICIES, type ModePolicy } from './growth-day.js';
import type { HouseMode } from '@tokkatot/shared';
import { formatLocalTime } from './zoned-time.js';

/** What the climate rule last did to one output (durable: min ON/OFF survives a restart). */
export interface ClimateOutputMemory {
  on: boolean;
  changedAt: number;
  /** After a max-run cut the output stays off until then. */
  cutUntil: number | null;
  /**
   * Whether its heating or cooling stage is calling (hysteresis state). Kept apart from `on`: a
   * fan ON for minimum ventilation is not cooling, and a heater paused by the interlock still calls.
   */
  demand: boolean;
}

/** Per-coop climate bookkeeping, keyed by output id. */
export interface ClimateMemory {
  outputs: Record<string, ClimateOutputMemory>;
  /** Humidity above the limit (with 5 %RH hysteresis). */
  humid: boolean;
}

/** Everything the rule needs at one instant. */
export interface ClimateInput {
  rule: ClimateRule;
  mode: HouseMode;
  /** Target from the growth-day curve (rule.target 'curve'); null falls back to the fixed band. */
  targetC: number | null;
  /** Combined temperature; null when missing, failed or stale (emergency mode). */
  temperatureC: number | null;
  humidityPercent: number | null;
  now: number;
  zone: string;
  coopName: string;
  outputNames?: Readonly<Record<string, string>>;
}

/** Why the climate rule wants an output in its state. */
export type ClimateCause = 'heating' | 'cooling' | 'minimum_ventilation' | 'humidity' | 'emergency' | 'interlock' | 'max_run' | 'min_time' | 'idle' | 'mode';

/** The climate rule's wish for one output. */
export interface ClimateDecision {
  outputId: string;
  on: boolean;
  cause: ClimateCause;
  /** Interlocks, emergency and max-run cuts are safety decisions (arbitration ranks them first). */
  safety: boolean;
  reason: string;
  since: number;
}

/** The result of one evaluation. */
export interface ClimateResult {
  decisions: ClimateDecision[];
  memory: ClimateMemory;
  /** The earliest moment the decision may change without a new reading. */
  nextEvaluationAt: number | null;
  emergency: boolean;
  band: { lowC: number; highC: number };
}

/** Humidity hysteresis: the limit clears this far below it. */
const HUMIDITY_HYSTERESIS = 5;
/** A max-run cut rests the output at least this long, even with no minimum OFF time. */
const MIN_CUT_REST_MS = 60_000;

/** The band in force: the fixed band, or the fixed band's width centred on the curve target. */
export function computeBand(rule: ClimateRule, targetC: number | null): { lowC: number; highC: number } {
  if (rule.target === 'fixed' || targetC === null) return { lowC: rule.bandLowC, highC: rule.bandHighC };
  const half = (rule.bandHighC - rule.bandLowC) / 2;
  return { lowC: targetC - half, highC: targetC + half };
}

/** Fraction of the minimum-ventilation cycle that is ON: ramps from min to max above the band's low edge. */
export function computeVentilationShare(rule: ClimateRule, lowC: number, temperatureC: number | null, humid: boolean): number {
  const mv = rule.minimumVentilation!;
  if (humid) return mv.maxOnPercent / 100;
  // Without a reading the minimum keeps air moving: never less, never a guess at more.
  if (temperatureC === null) return mv.minOnPercent / 100;
  const ramp = Math.min(1, Math.max(0, (temperatureC - lowC) / mv.rampSpanC));
  return (mv.minOnPercent + (mv.maxOnPercent - mv.minOnPercent) * ramp) / 100;
}

const c = (value: number): string => `${value.toFixed(1)} °C`;

/**
 * Evaluates a coop's climate rule: staged heaters and fans with hysteresis, minimum ON/OFF times,
 * max run time, the minimum-ventilation timer, humidity limit, heater/fan interlock and the
 * sensor-loss emergency mode. Pure: the same input and memory give the same decisions.
 *
 * Safety choices: with no trusted reading every heater is off at once (never heat on a missing
 * value), fan stages hold their state and minimum ventilation runs at its minimum share. No heater
 * is ever ON together with any fan of the coop: a fan ON (cooling, or the ON part of the
 * minimum-ventilation cycle) pauses the heaters, ignoring their minimum ON time.
 */
export function evaluateClimate(input: ClimateInput, previous: ClimateMemory): ClimateResult {
  const { rule, now, temperatureC: t } = input;
  const policy: ModePolicy = HOUSE_MODE_POLICIES[input.mode];
  const band = computeBand(rule, input.targetC);
  const emergency = t === null;
  const h = rule.hysteresisC;
  const memory: ClimateMemory = { outputs: { ...previous.outputs }, humid: previous.humid };
  const wakeups: number[] = [];
  const name = (id: string): string => input.outputNames?.[id] ?? id;
  const mem = (id: string): ClimateOutputMemory => memory.outputs[id] ?? { on: false, changedAt: Number.NEGATIVE_INFINITY, cutUntil: null, demand: false };
  const stamp = (when: number): string => formatLocalTime(when, input.zone);
  const ruleTag = `rule '${rule.name}'`;

  if (rule.humidityMaxPercent !== null && input.humidityPercent !== null) {
    if (input.humidityPercent > rule.humidityMaxPercent) memory.humid = true;
    else if (input.humidityPercent < rule.humidityMaxPercent - HUMIDITY_HYSTERESIS) memory.humid = false;
  } else if (input.humidityPercent === null) memory.humid = false;

  const decisions = new Map<string, ClimateDecision>();
  /** Applies minimum ON/OFF times, max run and records the decision. */
  const settle = (id: string, want: boolean, cause: ClimateCause, detail: string, opts: { exemptMinTimes?: boolean; safety?: boolean; demand?: boolean } = {}): void => {
    const m = mem(id);
    const demand = opts.demand ?? false;
    let on = want;
    let finalCause = cause;
    let text = detail;
    let safety = opts.safety ?? false;
    if (m.cutUntil !== null && now < m.cutUntil && on) {
      on = false;
      finalCause = 'max_run';
      safety = true;
      text = `resting after max run time until ${stamp(m.cutUntil)}`;
      wakeups.push(m.cutUntil);
    } else if (on !== m.on && !opts.exemptMinTimes && !safety) {
      const wait = (m.on ? rule.minOnSeconds : rule.minOffSeconds) * 1000;
      if (now < m.changedAt + wait) {
        on = m.on;
        finalCause = 'min_time';
        text = `held ${m.on ? 'on' : 'off'} for its minimum ${m.on ? 'ON' : 'OFF'} time until ${stamp(m.changedAt + wait)} (${detail})`;
        wakeups.push(m.changedAt + wait);
      }
    }
    if (on && m.on && rule.maxRunSeconds !== null && !opts.exemptMinTimes) {
      const limit = m.changedAt + rule.maxRunSeconds * 1000;
      if (now >= limit) {
        on = false;
        finalCause = 'max_run';
        safety = true;
        text = `max run time of ${rule.maxRunSeconds} s reached`;
        const rest = Math.max(rule.minOffSeconds * 1000, MIN_CUT_REST_MS);
        memory.outputs[id] = { on: false, changedAt: now, cutUntil: now + rest, demand };
        wakeups.push(now + rest);
      } else wakeups.push(limit);
    }
    const current = memory.outputs[id] ?? m;
    if (current.on !== on) memory.outputs[id] = { on, changedAt: now, cutUntil: current.cutUntil, demand };
    else if (current.demand !== demand) memory.outputs[id] = { ...current, demand };
    const since = memory.outputs[id]?.changedAt ?? now;
    const shownSince = Number.isFinite(since) ? `, since ${stamp(since)}` : '';
    decisions.set(id, {
      outputId: id,
      on,
      cause: finalCause,
      safety,
      reason: `${name(id)} ${on ? 'on' : 'off'}: ${text}, ${ruleTag}${shownSince}`,
      since: Number.isFinite(since) ? since : now,
    });
  };

  const where = t === null ? `${input.coopName} has no trusted temperature` : `${input.coopName} at ${c(t)}`;

  // Fans first: the interlock needs to know whether any fan will run.
  const mv = policy.minimumVentilation ? rule.minimumVentilation : null;
  const mvIds = new Set(mv?.outputIds ?? []);
  let mvOn = false;
  let mvText = '';
  if (mv) {
    const cycleMs = mv.cycleSeconds * 1000;
    const share = computeVentilationShare(rule, band.lowC, t, memory.humid);
    const onMs = Math.round(cycleMs * share);
    const cycleStart = Math.floor(now / cycleMs) * cycleMs;
    mvOn = now - cycleStart < onMs;
    if (onMs > 0 && onMs < cycleMs) wakeups.push(mvOn ? cycleStart + onMs : cycleStart + cycleMs);
    mvText = `${memory.humid ? `humidity ${input.humidityPercent?.toFixed(0)} % above ${rule.humidityMaxPercent} %, ` : ''}minimum ventilation ${Math.round(share * 100)} % of ${mv.cycleSeconds} s${mvOn ? '' : ' (OFF part)'}`;
  }
  const fanIds = new Set<string>([...rule.fanStages.map((s) => s.outputId), ...mvIds]);
  for (const id of fanIds) {
    const stage = rule.fanStages.find((s) => s.outputId === id);
    let stageWant = false;
    let stageText = '';
    let stageCause: ClimateCause = 'idle';
    if (stage && policy.cooling) {
      const onAt = band.highC + stage.onAboveC;
      if (t === null) {
        stageWant = mem(id).demand;
        stageCause = 'emergency';
        stageText = `${where}: holding ventilation`;
      } else if (t > onAt) {
        stageWant = true;
        stageCause = 'cooling';
        stageText = `${where} > ${c(onAt)}`;
      } else if (mem(id).demand && t > onAt - h) {
        stageWant = true;
        stageCause = 'cooling';
        stageText = `${where}, above ${c(onAt - h)} (hysteresis)`;
      } else {
        stageText = `${where} ≤ ${c(onAt)}`;
      }
    } else if (stage) {
      stageText = `house mode ${input.mode}: no cooling`;
      stageCause = 'mode';
    }
    if (stageWant) settle(id, true, stageCause, stageText, { safety: stageCause === 'emergency', demand: true });
    else if (mvIds.has(id)) settle(id, mvOn, memory.humid ? 'humidity' : 'minimum_ventilation', `${where}, ${mvText}`, { exemptMinTimes: true });
    else settle(id, false, stageCause, stageText || `${where}`);
  }
  const anyFanOn = [...fanIds].some((id) => decisions.get(id)!.on);

  for (const stage of rule.heaterStages) {
    const id = stage.outputId;
    const onBelow = band.lowC - stage.onBelowC;
    if (!policy.heating) {
      settle(id, false, 'mode', `house mode ${input.mode}: no heating`, { safety: true });
    } else if (t === null) {
      settle(id, false, 'emergency', `${where}: never heat without a reading (sensor-loss emergency)`, { safety: true });
    } else if (t < onBelow || (mem(id).demand && t < onBelow + h)) {
      const detail = t < onBelow ? `${where} < ${c(onBelow)}` : `${where}, below ${c(onBelow + h)} (hysteresis)`;
      if (anyFanOn) settle(id, false, 'interlock', `interlock: a fan of ${input.coopName} is on (${detail})`, { safety: true, demand: true });
      else settle(id, true, 'heating', detail, { demand: true });
    } else if (anyFanOn && mem(id).on) {
      // Not calling any more, but still on within its minimum ON time: a running fan cuts it now.
      settle(id, false, 'interlock', `interlock: a fan of ${input.coopName} is on`, { safety: true });
    } else {
      settle(id, false, 'idle', `${where} ≥ ${c(onBelow)}`);
    }
  }

  const future = wakeups.filter((w) => w > now);
  return {
    decisions: [...decisions.values()],
    memory,
    nextEvaluationAt: future.length ? Math.min(...future) : null,
    emergency,
    band,
  };
}

/** Memory for a coop the rule has never driven. */
export function createClimateMemory(): ClimateMemory {
  return { outputs: {}, humid: false };
}
