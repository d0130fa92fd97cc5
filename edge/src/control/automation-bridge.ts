import type { Alarm, Event } from '@tokkatot/shared';
import type { OutputDecision as EngineDecision } from '../automation/arbitration.js';
import type { AutomationEngine, AutomationListeners } from '../automation/automation-engine.js';
import type { ArbiterSource } from '../commands/output-arbiter.js';
import type { Edge } from '../edge.js';
import { buildAutomationConfig, DEFAULT_TUNABLES, type AutomationTunables } from './automation-config.js';
import type { AutomationDocuments } from './automation-documents.js';

/** The arbiter sources the automation may hold; "manual" belongs to the core's commands alone. */
const AUTOMATION_SOURCES: readonly ArbiterSource[] = ['fail_safe', 'interlock', 'climate', 'schedule', 'default'];

/** Where an engine decision enters the core's arbiter. */
export function toArbiterSource(source: EngineDecision['source']): ArbiterSource | null {
  switch (source) {
    case 'manual':
      return null;
    case 'max_on_cut':
      // A maximum-run cut is a safety stop: it outranks a person's command like an interlock.
      return 'interlock';
    case 'local':
      return 'default';
    default:
      return source;
  }
}

export interface AutomationBridgeDeps {
  edge: Pick<Edge, 'arbiter' | 'events' | 'bus' | 'registry' | 'repositories' | 'database'>;
  documents: () => AutomationDocuments;
  tunables?: AutomationTunables;
  log?: (message: string, detail?: unknown) => void;
}

/**
 * Joins the automation engine to the core: each decision becomes the arbiter input of its source
 * (with its reason), the engine's alarms and faults go to the alarm table and the event log, a
 * registry change rebuilds the engine's configuration, and an alarm acknowledged through the API
 * is acknowledged in the engine too.
 */
export class AutomationBridge {
  private engine: Pick<AutomationEngine, 'updateConfig' | 'acknowledge'> | null = null;
  private readonly unsubscribers: (() => void)[] = [];
  private refreshQueued = false;
  private readonly pending = new Map<string, EngineDecision>();
  /** Batches are applied one after the other, in the order the engine decided them. */
  private applying: Promise<void> = Promise.resolve();

  /** Hand these to the AutomationEngine's constructor. */
  readonly listeners: AutomationListeners = {
    outputDecided: (decision) => this.onDecided(decision),
    eventRecorded: (event) => this.onEvent(event),
  };

  constructor(private readonly deps: AutomationBridgeDeps) {}

  /** The engine's configuration as the registry and documents say now. */
  buildConfig() {
    return buildAutomationConfig(this.deps.edge.registry, this.deps.documents(), this.deps.tunables ?? DEFAULT_TUNABLES);
  }

  start(engine: Pick<AutomationEngine, 'updateConfig' | 'acknowledge'>): void {
    this.engine = engine;
    this.unsubscribers.push(
      this.deps.edge.bus.on('eventAppended', ({ event }) => {
        if (event.type === 'config_changed') this.queueRefresh();
        // A person acknowledged through the API; the engine's own acknowledgements have no track left to change.
        if (event.type === 'alarm_acknowledged' && event.actorId) this.engine?.acknowledge(event.alarmId, event.actorId);
      }),
    );
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.engine = null;
  }

  /** Rebuilds the configuration now (the automation documents were edited). */
  refresh(): void {
    if (!this.engine) return;
    try {
      this.engine.updateConfig(this.buildConfig());
    } catch (error) {
      this.deps.log?.('automation configuration refused; the previous one keeps running', { error: (error as Error).message });
    }
  }

  private queueRefresh(): void {
    // A coop set-up appends many config events in a row: rebuild once after them.
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      this.refresh();
    });
  }

  /**
   * The engine announces a decision only when its state or source changes; its reason can change
   * without either ("no trusted temperature" → "idle at 29.1 °C"). Call after feeding the engine:
   * a reason whose wording changed (numbers aside, so the SD card is not written on every
   * reading) replaces the one the arbiter shows.
   */
  syncReasons(decisions: readonly EngineDecision[]): void {
    const { arbiter } = this.deps.edge;
    for (const decision of decisions) {
      const source = toArbiterSource(decision.source);
      if (!source || this.pending.has(decision.outputId)) continue;
      const held = arbiter.inputsOf(decision.outputId).find((entry) => entry.source === source)?.input;
      if (!held || held.state !== decision.state || wording(held.reason) === wording(decision.reason)) continue;
      arbiter
        .setInput(decision.outputId, source, { state: decision.state, reason: decision.reason, until: null })
        .catch((error: unknown) => this.deps.log?.('arbiter reason not updated', { outputId: decision.outputId, error: (error as Error).message }));
    }
  }

  private onDecided(decision: EngineDecision): void {
    // One recompute decides several outputs in a row: apply them together, after it returns.
    this.pending.set(decision.outputId, decision);
    if (this.pending.size === 1) queueMicrotask(() => void this.applyPending());
  }

  /**
   * Break before make: every OFF is applied (and acknowledged by its node) before any ON is sent,
   * so a heater switching off for a fan switching on never runs together with it, not even for
   * the length of one command's round trip.
   */
  private async applyPending(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    const previous = this.applying;
    let release = () => undefined as void;
    this.applying = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      await Promise.all(batch.filter((d) => d.state === 'off').map((d) => this.apply(d)));
      await Promise.all(batch.filter((d) => d.state === 'on').map((d) => this.apply(d)));
    } finally {
      release();
    }
  }

  private async apply(decision: EngineDecision): Promise<void> {
    const { arbiter } = this.deps.edge;
    const source = toArbiterSource(decision.source);
    if (!source) return;
    const input = { state: decision.state, reason: decision.reason, until: null };
    // Set the new input before clearing the old ones, so the output never passes through "default".
    const stale = arbiter.inputsOf(decision.outputId).filter((held) => held.source !== source && AUTOMATION_SOURCES.includes(held.source));
    try {
      await arbiter.setInput(decision.outputId, source, input);
      await Promise.all(stale.map((held) => arbiter.setInput(decision.outputId, held.source, null)));
    } catch (error) {
      this.deps.log?.('arbiter input not applied', { outputId: decision.outputId, error: (error as Error).message });
    }
  }

  private onEvent(event: Event): void {
    // The arbiter records the outputs' actual changes; the engine's wishes would duplicate them.
    if (event.type === 'output_changed') return;
    const { database, events, repositories } = this.deps.edge;
    const { id: _id, farmId: _farmId, ...input } = event;
    try {
      database.transaction(() => {
        if (event.type === 'alarm_raised' || event.type === 'alarm_reminded' || event.type === 'alarm_acknowledged' || event.type === 'alarm_cleared') {
          const stored = repositories.alarms.get(event.alarmId);
          const next = nextAlarm(stored, event);
          if (!next) return;
          repositories.alarms.save(next);
        }
        events.append(input as Parameters<typeof events.append>[0]);
      });
    } catch (error) {
      this.deps.log?.('automation event not recorded', { type: event.type, error: (error as Error).message });
    }
  }
}

/** A reason with its numbers and times blanked: what it says, not the latest figures. */
const wording = (reason: string): string => reason.replace(/[-+]?\d[\d.,:]*/g, '#');

type AlarmLifecycleEvent = Extract<Event, { type: 'alarm_raised' | 'alarm_reminded' | 'alarm_acknowledged' | 'alarm_cleared' }>;

/** The alarm row after one lifecycle event, or null when the row already says so (an API acknowledgement echoed back). */
function nextAlarm(stored: Alarm | undefined, event: AlarmLifecycleEvent): Alarm | null {
  if (event.type === 'alarm_raised') {
    if (stored) return null;
    return {
      id: event.alarmId,
      farmId: event.farmId,
      coopId: event.coopId,
      kind: event.kind,
      severity: event.severity,
      state: 'raised',
      subjectId: null,
      message: event.message,
      raisedAt: event.ts,
      remindedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      clearedAt: null,
    };
  }
  if (!stored || stored.state === 'cleared') return null;
  if (event.type === 'alarm_reminded') return { ...stored, remindedAt: event.ts };
  if (event.type === 'alarm_acknowledged') {
    if (stored.state !== 'raised') return null;
    return { ...stored, state: 'acknowledged', acknowledgedAt: event.ts, acknowledgedBy: event.actorId ?? 'automation' };
  }
  return { ...stored, state: 'cleared', clearedAt: event.ts };
}
