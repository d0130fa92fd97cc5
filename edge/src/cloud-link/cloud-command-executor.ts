import type { Command } from '@tokkatot/sync';
import type { Clock } from '../clock.js';
import type { CommandOutcome } from '../db/sync/index.js';
import type { OutputArbiter } from '../commands/output-arbiter.js';
import type { EventLog } from '../events/event-log.js';
import type { RegistryService } from '../registry/registry-service.js';

/** What executing one cloud command decided, as the sync client reports it. */
export interface CloudCommandResult {
  outcome: CommandOutcome;
  detail: string;
}

/**
 * Runs cloud commands through the one arbitration point: an on/off command becomes the output's
 * "manual" input until the command's end (fail-safe and interlocks still win), `output_auto`
 * clears it. Synchronous: the sync client calls it inside the command ledger's transaction, so
 * the audit event and "command decided" commit together; the arbiter drives the output right
 * after. "On until T", never "toggle": running the same command twice sets the same input.
 *
 * The override lasts `durationSeconds` when the command gives one, else as long as the command's
 * own window (`expiresAt - notBefore`): the command's expiry is the override's expiry. Local CommandService records are not used: they need a local user,
 * and the person who issued a cloud command exists only in the cloud.
 */
export class CloudCommandExecutor {
  constructor(
    private readonly deps: {
      registry: RegistryService;
      arbiter: OutputArbiter;
      events: EventLog;
      clock: Clock;
      log?: (message: string, detail?: unknown) => void;
    },
  ) {}

  execute(command: Command): CloudCommandResult {
    if (command.type !== 'output_on' && command.type !== 'output_off' && command.type !== 'output_auto') {
      return { outcome: 'rejected', detail: `${command.type} is not supported by this edge yet` };
    }
    if (!command.targetId) return { outcome: 'rejected', detail: `${command.type} needs a target output` };
    const output = this.deps.registry.listOutputs().find((item) => item.id === command.targetId);
    if (!output) return { outcome: 'rejected', detail: `no output ${command.targetId} on this edge` };
    const activity = this.deps.registry.outputActivity(output);
    if (!activity.active) return { outcome: 'rejected', detail: `output "${output.name}" is inactive: ${activity.inactiveReason ?? 'unknown reason'}` };
    const now = this.deps.clock.now();
    // The command's times are server time; only its lengths are used, so a Pi whose clock is off
    // still holds the override exactly as long as the person asked.
    const until = now + (command.durationSeconds !== null ? command.durationSeconds * 1000 : command.expiresAt - command.notBefore);
    if (command.type === 'output_on' && until - now > output.maxOnSeconds * 1000) {
      return { outcome: 'rejected', detail: `output "${output.name}" may run at most ${output.maxOnSeconds} s at a time` };
    }
    const who = command.issuedBy ?? 'the cloud';
    const summary =
      command.type === 'output_auto'
        ? `Cloud command by ${who}: "${output.name}" back to automatic`
        : `Cloud command by ${who}: "${output.name}" ${command.type === 'output_on' ? 'on' : 'off'} until ${new Date(until).toISOString()}`;
    this.deps.events.append({
      type: 'user_action',
      coopId: output.coopId,
      actorId: command.issuedBy,
      summary: summary.slice(0, 500),
      detail: { cloudCommandId: command.id, outputId: output.id, type: command.type, until },
    });
    const input =
      command.type === 'output_auto'
        ? null
        : { state: command.type === 'output_on' ? ('on' as const) : ('off' as const), reason: summary.slice(0, 200), until };
    // setInput records the input synchronously; driving the output continues after the transaction.
    this.deps.arbiter.setInput(output.id, 'manual', input).catch((error: unknown) => this.deps.log?.('cloud command: driving the output failed', { commandId: command.id, error: (error as Error).message }));
    return { outcome: 'executed', detail: command.type === 'output_auto' ? `${output.name}: automatic` : `${output.name}: ${input?.state} until ${until}` };
  }
}
