import { AutomationEngine } from '../../../src/automation/automation-engine.js';
import type { ManualClock } from '../../../src/clock.js';
import { AutomationBridge, loadAutomationDocuments } from '../../../src/control/index.js';
import { SqliteAutomationStore } from '../../../src/db/automation/sqlite-automation-store.js';
import type { Edge } from '../../../src/edge.js';
import { webappOptionsFor } from '../../../src/webapp-wiring.js';

/** Timers on the test's manual clock: they fire only when the test moves time on. */
export class ManualTimers {
  private next = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  constructor(private readonly clock: ManualClock) {}

  setTimer = (callback: () => void, delayMs: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.now() + Math.max(0, delayMs), callback });
    return id;
  };
  clearTimer = (handle: unknown): void => void this.pending.delete(handle as number);

  /** Moves the clock to `at`, firing every timer due on the way, in time order. */
  advanceTo(at: number): void {
    for (;;) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= at).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.clock.set(Math.max(this.clock.now(), due[1].at));
      due[1].callback();
    }
    this.clock.set(at);
  }
}

/**
 * The controller's automation over the served edge, without devices: the engine on SQLite, the
 * bridge into the arbiter (whose in-memory driver stands in for the nodes), schedules kept in the
 * automation documents as the controller keeps them.
 */
export function startAutomation(edge: Edge, clock: ManualClock) {
  const meta = edge.repositories.meta;
  const timers = new ManualTimers(clock);
  const bridge = new AutomationBridge({ edge, documents: () => loadAutomationDocuments(meta) });
  const engine = new AutomationEngine(bridge.buildConfig(), { now: () => clock.now(), setTimer: timers.setTimer, clearTimer: timers.clearTimer }, new SqliteAutomationStore(edge.database.db), { set: () => undefined }, bridge.listeners);
  engine.start();
  bridge.start(engine);
  // The stores the web app uses on a real Pi (main.ts), without the controller's siren.
  const { schedules, climate, climateStore } = webappOptionsFor(edge, () => null);
  return {
    timers,
    engine,
    /** A reading into the engine, then its reasons to the arbiter, as the controller does (start-controller.ts). */
    feedReading: (reading: Parameters<AutomationEngine['ingestReading']>[0]) => {
      engine.ingestReading(reading);
      bridge.syncReasons(engine.getDecisions());
    },
    schedules,
    climate,
    climateStore,
    stop: () => {
      bridge.stop();
      engine.stop();
    },
  };
}
