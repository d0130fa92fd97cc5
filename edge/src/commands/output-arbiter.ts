import type { OutputReasonSource } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { EdgeDatabase, OutputStateRecord, OutputStateRepository } from '../db/index.js';
import type { EdgeBus } from '../events/edge-bus.js';
import { clipNote as clip } from '../events/clip-note.js';
import type { EventLog } from '../events/event-log.js';
import type { Ack, OutputDriver } from './output-driver.js';

/** Input sources in decreasing priority: the first one present (and not expired) decides. */
export const ARBITRATION_ORDER = ['fail_safe', 'interlock', 'manual', 'climate', 'schedule', 'default'] as const;
export type ArbiterSource = (typeof ARBITRATION_ORDER)[number];

/** One source's wish for an output. */
export interface ArbiterInput {
  state: 'on' | 'off';
  /** 0–100 for dimmable outputs. */
  level?: number | null;
  /** The human sentence shown as "why": "fan 2 on: coop 1 at 33.1 °C > 32.0 °C, rule 'cooling'". */
  reason: string;
  /** Epoch ms after which this input no longer counts (manual overrides always have one). */
  until?: number | null;
  /** The caller's own id for the input (a command id), handed back when it expires. */
  ref?: string;
}

export type OutputDecision = OutputStateRecord;

export interface ApplyResult {
  decision: OutputDecision;
  /** The driver's answer, or null when nothing was sent (unchanged, or output inactive). */
  ack: Ack | null;
}

export interface ArbiterDeps {
  database: EdgeDatabase;
  outputState: OutputStateRepository;
  events: EventLog;
  bus: EdgeBus;
  driver: OutputDriver;
  clock: Clock;
  /** Output facts the arbiter needs: its coop (for events) and whether it may be driven now. */
  describeOutput(outputId: string): { coopId: string | null; active: boolean } | undefined;
  log?: (message: string, detail?: unknown) => void;
}

type ExpiryListener = (outputId: string, source: ArbiterSource, input: ArbiterInput) => void;

const DEFAULT_INPUT: ArbiterInput = { state: 'off', level: null, reason: 'off: no schedule, rule or manual command asks for it' };

/**
 * The one arbitration point per output. Sources set or clear their input; the arbiter picks the
 * highest-priority live input, records the decision with its reason (output_state + an
 * output_changed event when state, level or source change) and drives the output.
 *
 * Start-up order: start() loads the last decisions; once every input provider has fed its
 * inputs, reevaluateAll() applies them (so a restart does not flap outputs through "default").
 */
export class OutputArbiter {
  private readonly inputs = new Map<string, Map<ArbiterSource, ArbiterInput>>();
  private readonly decisions = new Map<string, OutputDecision>();
  private readonly applied = new Map<string, string>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly expiryListeners: ExpiryListener[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ArbiterDeps) {}

  start(): void {
    for (const record of this.deps.outputState.all()) this.decisions.set(record.outputId, record);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sets (or, with null, clears) one source's input for an output and applies the outcome. */
  setInput(outputId: string, source: ArbiterSource, input: ArbiterInput | null): Promise<ApplyResult> {
    let perOutput = this.inputs.get(outputId);
    if (!perOutput) this.inputs.set(outputId, (perOutput = new Map()));
    if (input === null) perOutput.delete(source);
    else perOutput.set(source, { ...input, level: input.level ?? null });
    return this.evaluate(outputId);
  }

  /** The inputs currently held for an output, highest priority first. */
  inputsOf(outputId: string): { source: ArbiterSource; input: ArbiterInput }[] {
    const perOutput = this.inputs.get(outputId);
    return ARBITRATION_ORDER.flatMap((source) => {
      const input = perOutput?.get(source);
      return input ? [{ source, input }] : [];
    });
  }

  decisionOf(outputId: string): OutputDecision | undefined {
    return this.decisions.get(outputId);
  }

  /** Calls back when a timed input (a manual override) runs out. */
  onInputExpired(listener: ExpiryListener): void {
    this.expiryListeners.push(listener);
  }

  async reevaluateAll(): Promise<void> {
    const ids = new Set([...this.inputs.keys(), ...this.decisions.keys()]);
    await Promise.all([...ids].map((id) => this.evaluate(id)));
  }

  /** Sends the current decision again (a node came back and may have fallen to its fail-safe). */
  resend(outputId: string): Promise<ApplyResult> {
    this.applied.delete(outputId);
    return this.evaluate(outputId);
  }

  /** Drops every expired input and applies the results; the timer calls this, tests may too. */
  async expireDue(): Promise<void> {
    const now = this.deps.clock.now();
    const touched: string[] = [];
    for (const [outputId, perOutput] of this.inputs) {
      for (const [source, input] of perOutput) {
        if (input.until != null && input.until <= now) {
          perOutput.delete(source);
          touched.push(outputId);
          for (const listener of this.expiryListeners) listener(outputId, source, input);
        }
      }
    }
    await Promise.all([...new Set(touched)].map((id) => this.evaluate(id)));
  }

  private evaluate(outputId: string): Promise<ApplyResult> {
    // Per-output chain: decisions reach the driver in the order they were made.
    const previous = this.chains.get(outputId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.decideAndApply(outputId));
    this.chains.set(outputId, next);
    void next.finally(() => {
      if (this.chains.get(outputId) === next) this.chains.delete(outputId);
    });
    return next;
  }

  private async decideAndApply(outputId: string): Promise<ApplyResult> {
    const now = this.deps.clock.now();
    const winner = this.pick(outputId, now);
    const previous = this.decisions.get(outputId);
    const facts = this.deps.describeOutput(outputId);
    const input = winner.input;
    const level = input.level ?? null;
    const changed = !previous || previous.state !== input.state || previous.level !== level || previous.source !== winner.source;
    const decision: OutputDecision = changed
      ? { outputId, state: input.state, level, source: winner.source, reason: input.reason, since: now }
      : { ...previous, reason: input.reason };
    if (facts && (changed || previous?.reason !== decision.reason)) {
      this.deps.database.transaction(() => {
        this.deps.outputState.save(decision);
        if (changed) {
          this.deps.events.append({
            type: 'output_changed',
            coopId: facts.coopId,
            actorId: null,
            outputId,
            state: decision.state,
            level: decision.level,
            source: decision.source,
            reason: clip(decision.reason),
          });
        }
      });
      this.deps.bus.emit('outputChanged', { ...decision, coopId: facts.coopId });
    }
    this.decisions.set(outputId, decision);
    this.scheduleExpiry();

    const signature = `${decision.state}:${decision.level ?? ''}`;
    if (!facts?.active || this.applied.get(outputId) === signature) return { decision, ack: null };
    let ack: Ack;
    try {
      ack = await this.deps.driver.setOutput(outputId, decision.state, decision.level ?? undefined);
    } catch (error) {
      ack = { ok: false, error: (error as Error).message };
    }
    if (ack.ok) this.applied.set(outputId, signature);
    else this.deps.log?.('output command failed', { outputId, error: ack.error });
    return { decision, ack };
  }

  private pick(outputId: string, now: number): { source: OutputReasonSource; input: ArbiterInput } {
    const perOutput = this.inputs.get(outputId);
    for (const source of ARBITRATION_ORDER) {
      const input = perOutput?.get(source);
      if (input && (input.until == null || input.until > now)) return { source, input };
    }
    return { source: 'default', input: DEFAULT_INPUT };
  }

  private scheduleExpiry(): void {
    let next = Infinity;
    for (const perOutput of this.inputs.values()) {
      for (const input of perOutput.values()) if (input.until != null && input.until < next) next = input.until;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (next === Infinity) return;
    const delay = Math.min(Math.max(0, next - this.deps.clock.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => void this.expireDue(), delay);
    this.timer.unref();
  }
}

