import type { OutputReasonSource } from '@tokkatot/shared';
import type { ClimateDecision } from './climate.js';
import type { ScheduleEvaluation } from './schedule.js';
import { formatLocalTime } from './zoned-time.js';

/** One output's identity as arbitration needs it. */
export interface ArbitratedOutput {
  id: string;
  name: string;
  kind: string;
  coopId: string;
}

/** A safety interlock or fail-safe imposed from outside the rules (firmware, GPIO, emergency stop). */
export interface SafetyInput {
  state: 'on' | 'off';
  source: 'fail_safe' | 'interlock';
  reason: string;
  since: number;
}

/** A person's manual command: always with an expiry. */
export interface ManualOverride {
  state: 'on' | 'off';
  until: number;
  setAt: number;
  by: string | null;
  note?: string;
}

/** Every input that can decide one output at one instant. */
export interface ArbitrationInput {
  output: ArbitratedOutput;
  now: number;
  zone: string;
  safety?: SafetyInput | null;
  manual?: ManualOverride | null;
  climate?: ClimateDecision | null;
  schedules?: ReadonlyArray<{ scheduleId: string; evaluation: ScheduleEvaluation }>;
  /** The schedules' house mode forbids them (e.g. a feeder in an empty house). */
  schedulesBlockedBy?: string | null;
  /** A late run planned by the catch-up rule. */
  catchUp?: { end: number; reason: string; start: number } | null;
  defaultState?: 'on' | 'off';
}

/** The one decision for an output, with the sentence saying why and what each layer wanted. */
export interface OutputDecision {
  outputId: string;
  state: 'on' | 'off';
  source: OutputReasonSource;
  reason: string;
  since: number | null;
  /** When this decision lapses by itself (manual expiry, schedule transition), if known. */
  until: number | null;
  /** "Why is this on?": one line per layer, highest priority first, the winner marked. */
  explanation: string[];
}

/**
 * Decides one output: safety and fail-safe, then manual override (until it expires), then the
 * climate rule, then schedules (ON if any schedule says ON: overlapping schedules add up), then
 * the default. Pure; every decision carries its reason and the full explanation.
 */
export function arbitrateOutput(input: ArbitrationInput): OutputDecision {
  const { output, now } = input;
  const lines: string[] = [];
  let decision: OutputDecision | null = null;
  const take = (d: OutputDecision): void => {
    if (!decision) decision = d;
  };
  const mark = (winner: boolean, text: string): string => `${winner ? '▶' : ' '} ${text}`;

  if (input.safety) {
    const s = input.safety;
    take({ outputId: output.id, state: s.state, source: s.source, reason: `${output.name} ${s.state}: ${s.reason}`, since: s.since, until: null, explanation: [] });
    lines.push(mark(true, `safety (${s.source}): ${s.state}, ${s.reason}`));
  } else lines.push(mark(false, 'safety: none'));

  const manual = input.manual && input.manual.until > now ? input.manual : null;
  if (manual) {
    const who = manual.by ? ` by ${manual.by}` : '';
    const reason = `${output.name} ${manual.state}: manual${who}${manual.note ? ` (${manual.note})` : ''} until ${formatLocalTime(manual.until, input.zone)}, since ${formatLocalTime(manual.setAt, input.zone)}`;
    lines.push(mark(!decision, `manual: ${manual.state} until ${formatLocalTime(manual.until, input.zone)}`));
    take({ outputId: output.id, state: manual.state, source: 'manual', reason, since: manual.setAt, until: manual.until, explanation: [] });
  } else lines.push(mark(false, input.manual ? `manual: expired at ${formatLocalTime(input.manual.until, input.zone)}` : 'manual: none'));

  if (input.climate) {
    const cd = input.climate;
    const source: OutputReasonSource = cd.cause === 'max_run' ? 'max_on_cut' : cd.safety && cd.cause !== 'emergency' && cd.cause !== 'mode' ? 'interlock' : 'climate';
    lines.push(mark(!decision, `climate: ${cd.reason}`));
    take({ outputId: output.id, state: cd.on ? 'on' : 'off', source, reason: cd.reason, since: cd.since, until: null, explanation: [] });
  } else lines.push(mark(false, 'climate: no rule for this output'));

  const schedules = input.schedules ?? [];
  if (input.schedulesBlockedBy && schedules.length) {
    lines.push(mark(!decision, `schedules: blocked, ${input.schedulesBlockedBy}`));
    take({ outputId: output.id, state: 'off', source: 'schedule', reason: `${output.name} off: schedules paused, ${input.schedulesBlockedBy}`, since: null, until: null, explanation: [] });
  } else if (input.catchUp && input.catchUp.end > now) {
    const c = input.catchUp;
    lines.push(mark(!decision, `schedule catch-up: ${c.reason}`));
    take({ outputId: output.id, state: 'on', source: 'schedule', reason: `${output.name} on: ${c.reason}, until ${formatLocalTime(c.end, input.zone)}`, since: c.start, until: c.end, explanation: [] });
  } else if (schedules.length) {
    const on = schedules.filter((s) => s.evaluation.state === 'on');
    const chosen = on.length
      ? on.reduce((a, b) => ((a.evaluation.nextTransitionAt ?? Infinity) >= (b.evaluation.nextTransitionAt ?? Infinity) ? a : b))
      : schedules.reduce((a, b) => ((a.evaluation.nextTransitionAt ?? Infinity) <= (b.evaluation.nextTransitionAt ?? Infinity) ? a : b));
    for (const s of schedules) lines.push(mark(!decision && s === chosen, `schedule: ${s.evaluation.reason}`));
    const e = chosen.evaluation;
    // Overlapping ON schedules: the output stays on until the last of them ends.
    take({ outputId: output.id, state: e.state, source: 'schedule', reason: `${output.name} ${e.state}: ${e.reason}`, since: e.since, until: e.nextTransitionAt, explanation: [] });
  } else lines.push(mark(false, 'schedules: none'));

  const fallback = input.defaultState ?? 'off';
  lines.push(mark(!decision, `default: ${fallback}`));
  take({ outputId: output.id, state: fallback, source: 'default', reason: `${output.name} ${fallback}: nothing asks for it (default)`, since: null, until: null, explanation: [] });

  const result = decision as unknown as OutputDecision;
  return { ...result, explanation: lines };
}

/**
 * Cross-output interlock of one coop: the climate rule never runs a heater with a fan, but a
 * manual fan can still meet a climate heater. Any heater ON by climate or schedule while a fan of
 * the same coop is ON is switched off; people's own commands are left as they gave them.
 */
export function applyCoopInterlock(decisions: OutputDecision[], outputs: ReadonlyMap<string, ArbitratedOutput>): OutputDecision[] {
  const fanOn = new Set<string>();
  for (const d of decisions) {
    const o = outputs.get(d.outputId);
    if (o?.kind === 'fan' && d.state === 'on') fanOn.add(o.coopId);
  }
  return decisions.map((d) => {
    const o = outputs.get(d.outputId);
    if (!o || o.kind !== 'heater' || d.state !== 'on' || !fanOn.has(o.coopId)) return d;
    if (d.source === 'manual' || d.source === 'fail_safe' || d.source === 'interlock') return d;
    return {
      ...d,
      state: 'off',
      source: 'interlock',
      reason: `${o.name} off: interlock, a fan of the coop is on`,
      explanation: [`▶ interlock: a fan of the coop is on`, ...d.explanation.map((l) => l.replace('▶', ' '))],
    };
  });
}
