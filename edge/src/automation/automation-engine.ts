import { newId, type Event, type Reading } from '@tokkatot/shared';
import { collectAlarmConditions } from './alarm-conditions.js';
import { acknowledgeAlarm, decideSiren, type AlarmEvent, type AlarmTrack } from './alarm-lifecycle.js';
import { buildAlarmSnapshot, stepFarmAlarms } from './farm-alarms.js';
import { applyCoopInterlock, arbitrateOutput, type ArbitratedOutput, type ManualOverride, type OutputDecision, type SafetyInput } from './arbitration.js';
import type { AutomationState, AutomationStore } from './automation-store.js';
import { evaluateCoop, type CoopEvaluation } from './coop-evaluation.js';
import type { FarmAutomationConfig } from './farm-config.js';
import { AUTOMATION_CONFIG_INVALID, checkFarmConfig } from './farm-config-check.js';
import { evaluateSchedule, type ScheduleEvaluation } from './schedule.js';
import { planScheduleCatchUp } from './schedule-catch-up.js';

/** The clock and the one timer, injected so tests drive time by hand. */
export interface AutomationClock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The siren relay (GPIO on the Pi, a fake in tests). */
export interface Siren {
  set(on: boolean): void;
}

/** What the engine tells the rest of the controller, as past-tense events. */
export interface AutomationListeners {
  /** An output's decided state or its deciding layer changed. */
  outputDecided?(decision: OutputDecision): void;
  /** An event for the farm's log (output_changed, alarm_*, node_fault for excluded sensors). */
  eventRecorded?(event: Event): void;
}

/** Thrown for a configuration the engine refuses; `code` is for the HTTP error registry. */
export class AutomationConfigError extends Error {
  readonly code = AUTOMATION_CONFIG_INVALID;
  constructor(readonly problems: string[]) {
    super(`automation configuration refused: ${problems.join('; ')}`);
  }
}

function assertFarmConfig(config: FarmAutomationConfig): void {
  const problems = checkFarmConfig(config);
  if (problems.length) throw new AutomationConfigError(problems);
}

/** The longest the single timer sleeps: a recheck horizon, and below setTimeout's 24.8-day limit. */
const MAX_SLEEP_MS = 3_600_000;

/**
 * Runs a farm's schedules, climate rules and alarms. Never polls: after every recompute it sets
 * one timer for the earliest moment anything can change by the clock alone, and recomputes when
 * that fires, when a reading or report arrives, when the configuration changes and at start-up.
 */
export class AutomationEngine {
  private state: AutomationState | null = null;
  private timer: unknown = null;
  private running = false;
  private readonly readings = new Map<string, Reading>();
  private readonly nodeSeen = new Map<string, number>();
  private readonly reported = new Map<string, { on: boolean; at: number }>();
  private readonly safety = new Map<string, SafetyInput>();
  private decisions = new Map<string, OutputDecision & { changedAt: number }>();
  private excluded = new Map<string, string>();
  private sirenOn: boolean | null = null;
  private coops = new Map<string, CoopEvaluation>();
  private scheduleEvaluations = new Map<string, ScheduleEvaluation>();
  /** When the timer is due; exposed for tests and the status page. */
  nextWakeAt: number | null = null;

  constructor(
    private config: FarmAutomationConfig,
    private readonly clock: AutomationClock,
    private readonly store: AutomationStore,
    private readonly siren: Siren,
    private readonly listeners: AutomationListeners = {},
    private readonly makeId: (now: number) => string = newId,
  ) {}

  /** Loads durable state, applies the catch-up rule for runs missed while off, and evaluates. */
  start(): void {
    if (this.running) return;
    assertFarmConfig(this.config);
    this.running = true;
    this.state = this.store.load();
    const now = this.clock.now();
    for (const schedule of this.config.schedules) {
      const kept = this.state.schedules[schedule.id] ?? { lastRunStartAt: null, lastReplayedStart: null, replay: null };
      const plan = planScheduleCatchUp(schedule, this.config.zone, now, kept, this.config.catchUpGraceSeconds);
      if (plan.replay) {
        const next = { ...kept, lastReplayedStart: plan.replay.missedStart, replay: { start: plan.replay.start, end: plan.replay.end, reason: plan.replay.reason } };
        this.state.schedules[schedule.id] = next;
        this.store.saveScheduleBookkeeping(schedule.id, next);
      }
      for (const missed of plan.skipped) {
        this.record({ type: 'telemetry_gap', coopId: schedule.coopId, actorId: null, summary: `schedule '${schedule.name}' run at ${new Date(missed).toISOString()} missed while the controller was off; not replayed` }, now);
      }
    }
    this.recompute();
  }

  /** Removes the timer; state already persisted stays for the next start. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.nextWakeAt = null;
  }

  /** A new sample from a sensor (or a failed read). */
  ingestReading(reading: Reading): void {
    const previous = this.readings.get(reading.sensorId);
    if (previous && previous.ts > reading.ts) return;
    this.readings.set(reading.sensorId, reading);
    this.recompute();
  }

  /** A node said something (hello, heartbeat, reading). */
  reportNodeSeen(nodeId: string, at: number): void {
    this.nodeSeen.set(nodeId, Math.max(at, this.nodeSeen.get(nodeId) ?? at));
    this.recompute();
  }

  /** An output's state as its node reports it (to confirm commands). */
  reportOutputState(outputId: string, on: boolean, at: number): void {
    this.reported.set(outputId, { on, at });
    this.recompute();
  }

  /** A person's command with an expiry; null cancels it. */
  setManualOverride(outputId: string, override: ManualOverride | null): void {
    const state = this.requireState();
    if (override) state.overrides[outputId] = override;
    else delete state.overrides[outputId];
    this.store.saveOverride(outputId, override);
    this.recompute();
  }

  /** A safety interlock or fail-safe imposed from outside; null lifts it. */
  setSafety(outputId: string, safety: SafetyInput | null): void {
    if (safety) this.safety.set(outputId, safety);
    else this.safety.delete(outputId);
    this.recompute();
  }

  /** Replaces the configuration (a schedule, rule or flock was edited); a bad one is refused whole. */
  updateConfig(config: FarmAutomationConfig): void {
    assertFarmConfig(config);
    this.config = config;
    this.recompute();
  }

  /** Acknowledges an alarm by id. Returns false when no raised alarm has that id. */
  acknowledge(alarmId: string, userId: string): boolean {
    const state = this.requireState();
    const track = Object.values(state.alarms).find((t) => t.alarm?.id === alarmId);
    if (!track) return false;
    const now = this.clock.now();
    const result = acknowledgeAlarm(track, userId, { farmId: this.config.farmId, now, newId: this.makeId });
    if (!result.events.length) return false;
    state.alarms[track.key] = result.track;
    this.store.saveAlarmTrack(result.track);
    for (const e of result.events) this.listeners.eventRecorded?.(e);
    this.recompute();
    return true;
  }

  /** Silences the siren until `until` (a newer alarm sounds again). */
  silenceSiren(until: number): void {
    const state = this.requireState();
    state.silence = { at: this.clock.now(), until };
    this.store.saveSilence(state.silence);
    this.recompute();
  }

  /** The current decision for every output. */
  getDecisions(): OutputDecision[] {
    return [...this.decisions.values()];
  }

  /** "Why is this on?" for one output. */
  explain(outputId: string): OutputDecision | undefined {
    return this.decisions.get(outputId);
  }

  /** Alarms currently raised or acknowledged. */
  getActiveAlarms(): AlarmTrack[] {
    return Object.values(this.requireState().alarms).filter((t) => t.alarm !== null);
  }

  /** The latest evaluation of a coop (combined readings, growth day, target). */
  getCoopEvaluation(coopId: string): CoopEvaluation | undefined {
    return this.coops.get(coopId);
  }

  private requireState(): AutomationState {
    if (!this.state) throw new Error('AutomationEngine used before start()');
    return this.state;
  }

  private record(partial: Record<string, unknown> & { type: Event['type'] }, now: number): void {
    const event = { id: this.makeId(now), farmId: this.config.farmId, ts: now, ...partial } as Event;
    this.listeners.eventRecorded?.(event);
  }

  /** Evaluates everything at the clock's now, emits what changed, and re-arms the one timer. */
  private recompute(): void {
    if (!this.running) return;
    const state = this.requireState();
    const now = this.clock.now();
    const { config } = this;
    const wakeups: number[] = [];

    this.coops = new Map();
    for (const coop of config.coops) {
      const evaluation = evaluateCoop(coop, config, this.readings, state.climate[coop.id], now);
      this.coops.set(coop.id, evaluation);
      if (evaluation.nextEvaluationAt !== null) wakeups.push(evaluation.nextEvaluationAt);
      if (evaluation.climate && JSON.stringify(evaluation.climate.memory) !== JSON.stringify(state.climate[coop.id] ?? null)) {
        state.climate[coop.id] = evaluation.climate.memory;
        this.store.saveClimateMemory(coop.id, evaluation.climate.memory);
      }
      this.noteExclusions(coop.id, evaluation, now);
    }

    this.scheduleEvaluations = new Map();
    for (const schedule of config.schedules) {
      const evaluation = evaluateSchedule(schedule, now, config.zone);
      this.scheduleEvaluations.set(schedule.id, evaluation);
      if (evaluation.nextTransitionAt !== null) wakeups.push(evaluation.nextTransitionAt);
      const kept = state.schedules[schedule.id] ?? { lastRunStartAt: null, lastReplayedStart: null, replay: null };
      let next = kept;
      if (evaluation.state === 'on' && evaluation.since !== null && evaluation.since !== kept.lastRunStartAt) next = { ...next, lastRunStartAt: evaluation.since };
      // First time this schedule is watched: runs before now were not ours to miss.
      else if (kept.lastRunStartAt === null) next = { ...next, lastRunStartAt: now };
      if (next.replay && next.replay.end <= now) next = { ...next, replay: null };
      else if (next.replay) wakeups.push(next.replay.end);
      if (next !== kept) {
        state.schedules[schedule.id] = next;
        this.store.saveScheduleBookkeeping(schedule.id, next);
      }
    }

    const outputs = new Map<string, ArbitratedOutput>(config.outputs.map((o) => [o.id, o]));
    let decided: OutputDecision[] = [];
    for (const output of config.outputs) {
      const override = state.overrides[output.id] ?? null;
      if (override && override.until <= now) {
        delete state.overrides[output.id];
        this.store.saveOverride(output.id, null);
      } else if (override) wakeups.push(override.until);
      const coop = this.coops.get(output.coopId);
      // Disabled schedules stay in the explanation ("schedule 'x' disabled").
      const schedules = config.schedules.filter((s) => s.outputId === output.id);
      const replay = schedules.filter((s) => s.enabled).map((s) => state.schedules[s.id]?.replay).find((r) => r && r.end > now) ?? null;
      decided.push(
        arbitrateOutput({
          output,
          now,
          zone: config.zone,
          safety: this.safety.get(output.id) ?? null,
          manual: state.overrides[output.id] ?? null,
          climate: coop?.decisions.get(output.id) ?? null,
          schedules: schedules.map((s) => ({ scheduleId: s.id, evaluation: this.scheduleEvaluations.get(s.id)! })),
          schedulesBlockedBy: coop && !coop.policy.schedules ? `house mode ${coop.houseMode}` : null,
          catchUp: replay,
          defaultState: output.defaultState ?? 'off',
        }),
      );
    }
    decided = applyCoopInterlock(decided, outputs);
    this.publishDecisions(decided, outputs, now);

    this.stepAlarms(now, wakeups);
    this.arm(now, wakeups);
  }

  private publishDecisions(decided: OutputDecision[], outputs: ReadonlyMap<string, ArbitratedOutput>, now: number): void {
    const next = new Map<string, OutputDecision & { changedAt: number }>();
    for (const d of decided) {
      const before = this.decisions.get(d.outputId);
      const changed = !before || before.state !== d.state || before.source !== d.source;
      next.set(d.outputId, { ...d, changedAt: changed ? now : before.changedAt });
      if (changed) {
        this.listeners.outputDecided?.(d);
        this.record({ type: 'output_changed', coopId: outputs.get(d.outputId)?.coopId ?? null, actorId: null, outputId: d.outputId, state: d.state, level: null, source: d.source, reason: d.reason.slice(0, 500) }, now);
      }
    }
    this.decisions = next;
  }

  private noteExclusions(coopId: string, evaluation: CoopEvaluation, now: number): void {
    const sensors = [...evaluation.temperature.excluded, ...evaluation.humidity.excluded];
    const seen = new Set<string>();
    for (const x of sensors) {
      seen.add(x.sensorId);
      const text = `${x.cause}: ${x.detail}`;
      if (this.excluded.get(x.sensorId)?.split(':')[0] !== x.cause) {
        this.record({ type: 'node_fault', coopId, actorId: null, summary: `sensor ${x.sensorId} left out of the coop's reading (${text})`, detail: { sensorId: x.sensorId, cause: x.cause } }, now);
      }
      this.excluded.set(x.sensorId, text);
    }
    const coop = this.config.coops.find((c) => c.id === coopId);
    for (const s of [...(coop?.temperatureSensors ?? []), ...(coop?.humiditySensors ?? [])]) {
      if (!seen.has(s.id) && this.excluded.delete(s.id)) {
        this.record({ type: 'node_fault', coopId, actorId: null, summary: `sensor ${s.id} trusted again`, detail: { sensorId: s.id, cause: 'restored' } }, now);
      }
    }
  }

  private stepAlarms(now: number, wakeups: number[]): void {
    const state = this.requireState();
    const { config } = this;
    const snapshot = buildAlarmSnapshot(config, this.coops, this.decisions, this.reported, this.nodeSeen, now);
    const { conditions, nextEvaluationAt } = collectAlarmConditions(snapshot, config.alarms, now, config.zone);
    if (nextEvaluationAt !== null) wakeups.push(nextEvaluationAt);
    const step = stepFarmAlarms(state.alarms, conditions, { farmId: config.farmId, now, newId: this.makeId });
    state.alarms = step.tracks;
    for (const track of step.saved) this.store.saveAlarmTrack(track);
    for (const key of step.deleted) this.store.deleteAlarmTrack(key);
    for (const e of step.events) this.listeners.eventRecorded?.(e);
    wakeups.push(...step.wakeups);
    const sound = decideSiren(Object.values(state.alarms), now, state.silence);
    if (state.silence && state.silence.until > now) wakeups.push(state.silence.until);
    if (sound !== this.sirenOn) {
      this.sirenOn = sound;
      this.siren.set(sound);
    }
  }

  private arm(now: number, wakeups: number[]): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    const future = wakeups.filter((w) => w > now);
    const at = Math.min(future.length ? Math.min(...future) : Infinity, now + MAX_SLEEP_MS);
    this.nextWakeAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.recompute();
    }, at - now);
  }
}

export type { AlarmEvent };
