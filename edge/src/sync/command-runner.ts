import { newId, type Event } from '@tokkatot/shared';
import { checkCommandExpiry, CommandSchema, type Command } from '@tokkatot/sync';
import type { CommandLedger, CommandOutcome } from '../db/sync/command-ledger.js';
import type { SqliteForkStore } from '../db/sync/sqlite-fork-store.js';
import type { SqliteOutbox } from '../db/sync/sqlite-outbox.js';
import type { ServerTimeTracker } from './server-time.js';

/** Runs one command through arbitration; synchronous so its state change joins the ledger's transaction. */
export type ExecuteCommand = (command: Command) => { outcome: CommandOutcome; detail: string };

export interface CommandRunnerOptions {
  store: SqliteForkStore;
  ledger: CommandLedger;
  outbox: SqliteOutbox;
  serverTime: ServerTimeTracker;
  executeCommand: ExecuteCommand;
  farmId: string;
  now: () => number;
  monotonic: () => number;
  /** A server-time fix older than this is not trusted. */
  maxFixAgeMs: number;
}

/**
 * Decides pulled commands: each id at most once, only inside its window by trusted server time;
 * an expired one is reported, never run. The result travels to the cloud as a critical event.
 */
export class CommandRunner {
  constructor(private readonly options: CommandRunnerOptions) {}

  /** Decides every live command not decided yet; returns the outcomes of this round. */
  runPending(): Array<{ id: string; outcome: CommandOutcome }> {
    const { store, ledger } = this.options;
    const decided: Array<{ id: string; outcome: CommandOutcome }> = [];
    for (const doc of store.list('commands')) {
      if (doc._deleted || ledger.has(doc.id)) continue;
      const parsed = CommandSchema.safeParse(Object.fromEntries(Object.entries(doc).filter(([key]) => key !== '_deleted')));
      if (!parsed.success) {
        this.decide(doc.id, null, () => ({ outcome: 'rejected', detail: 'not a valid command' }), decided);
        continue;
      }
      const command = parsed.data;
      const verdict = checkCommandExpiry(command, this.options.serverTime.current(), this.options.monotonic(), { maxFixAgeMs: this.options.maxFixAgeMs });
      if (verdict.run) this.decide(command.id, command, () => this.options.executeCommand(command), decided);
      else if (verdict.reason === 'expired') this.decide(command.id, command, () => ({ outcome: 'expired', detail: 'expired before it could run' }), decided);
      // not_yet and untrusted_time: decided later, once the window opens or the clock is trusted again.
    }
    return decided;
  }

  private decide(
    id: string,
    command: Command | null,
    work: () => { outcome: CommandOutcome; detail: string },
    decided: Array<{ id: string; outcome: CommandOutcome }>,
  ): void {
    const { ledger, outbox, farmId, now } = this.options;
    const at = now();
    const result = ledger.decide(id, at, () => {
      let outcome: { outcome: CommandOutcome; detail: string };
      try {
        outcome = work();
      } catch (error) {
        outcome = { outcome: 'failed', detail: (error as Error).message };
      }
      const event: Event = {
        id: newId(at),
        farmId,
        ts: at,
        coopId: null,
        actorId: command?.issuedBy ?? null,
        type: 'command_result',
        commandId: id,
        outcome: outcome.outcome,
        detail: outcome.detail.slice(0, 500),
      };
      outbox.append('critical', at, event);
      return outcome;
    });
    if (result) decided.push({ id, outcome: result.outcome });
  }
}
