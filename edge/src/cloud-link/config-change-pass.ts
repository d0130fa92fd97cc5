import type { EdgeDatabase } from '../db/index.js';
import type { EdgeBus } from '../events/edge-bus.js';

/**
 * A replication pass over configuration the edge keeps outside the registry (automation documents,
 * alarm settings): run after every `config_changed` event, at start and by the cloud link's
 * import timer, never throwing — a failure is logged and the next pass tries again.
 */
export abstract class ConfigChangePass<Result> {
  private unsubscribe: (() => void) | undefined;

  protected constructor(
    private readonly lifecycle: { database: EdgeDatabase; bus: EdgeBus; log?: (message: string, detail?: unknown) => void },
    /** What the log line says was not replicated. */
    private readonly subject: string,
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.lifecycle.bus.on('eventAppended', ({ event }) => {
      if (event.type === 'config_changed') this.run();
    });
    this.run();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** One pass that never throws (timers and listeners call it); a failure is logged. */
  run(): Result | undefined {
    if (!this.lifecycle.database.db.open) return undefined;
    try {
      return this.reconcile();
    } catch (error) {
      this.lifecycle.log?.(`cloud link: ${this.subject} not replicated`, { error: (error as Error).message });
      return undefined;
    }
  }

  /** The pass itself, inside whatever transaction it needs. */
  abstract reconcile(): Result;
}
