import type { Command } from '@tokkatot/sync';
import type { Clock } from '../clock.js';
import type { AlarmService } from '../alarms/alarm-service.js';
import type { CommandService } from '../commands/command-service.js';
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
 * Runs cloud commands. `acknowledge_alarm` acknowledges the target alarm as the command's
 * issuer, through AlarmService like the LAN app. Output commands go through the one arbitration
 * point: an on/off command becomes the output's "manual" input until the command's end
 * (fail-safe and interlocks still win), `output_auto` clears it. Synchronous: the sync client
 * calls it inside the command ledger's transaction, so the audit event and "command decided"
 * commit together; the arbiter drives the output right after. "On until T", never "toggle":
 * running the same command twice sets the same input.
 *
 * The override lasts `durationSeconds` when the command gives one, else as long as the command's
 * own window (`expiresAt - notBefore`): the command's expiry is the override's expiry. Local
 * CommandService records are not used: they need a local user, and the person who issued a cloud
 * command exists only in the cloud.
 */
export class CloudCommandExecutor {
  constructor(
    private readonly deps: {
      registry: RegistryService;
      arbiter: OutputArbiter;
      events: EventLog;
      clock: Clock;
      /** Alarm acknowledgements take the LAN app's path (the automation hears the event). */
      alarms?: AlarmService;
      /** Local manual overrides, so a restart does not put an older cloud override above a newer local one. */
      commands?: CommandService;
      log?: (message: string, detail?: unknown) => void;
    },
  ) {}

  /**
   * After a restart, puts back the cloud overrides still running: the arbiter keeps inputs in
   * memory, and the audit event of each executed cloud command holds its output and end. For
   * each output the latest such event counts (an `output_auto` one means none); a local manual
   * override given after it wins, as it did before the restart. Returns how many were restored.
   */
  restore(): number {
    const now = this.deps.clock.now();
    // A command lives at most 24 h and holds at most 24 h, so older audit events cannot matter.
    const recent = this.deps.events.query({ types: ['user_action'], from: now - 48 * 3600_000, limit: 1000 });
    const latest = new Map<string, { ts: number; type: string; until: number }>();
    for (const { event } of recent) {
      const detail = (event as { detail?: Record<string, unknown> }).detail;
      if (typeof detail?.cloudCommandId !== 'string' || typeof detail.outputId !== 'string' || typeof detail.until !== 'number' || typeof detail.type !== 'string') continue;
      // Newest first: the first event seen for an output is its latest.
      if (!latest.has(detail.outputId)) latest.set(detail.outputId, { ts: event.ts, type: detail.type, until: detail.until });
    }
    let restored = 0;
    for (const [outputId, last] of latest) {
      if (last.type === 'output_auto' || last.until <= now) continue;
      const local = this.deps.commands?.activeFor(outputId);
      if (local && local.createdAt >= last.ts) continue;
      const state = last.type === 'output_on' ? ('on' as const) : ('off' as const);
      this.deps.arbiter
        .setInput(outputId, 'manual', { state, reason: `cloud command (restored after restart): ${state} until ${new Date(last.until).toISOString()}`, until: last.until })
        .catch((error: unknown) => this.deps.log?.('cloud command: restoring an override failed', { outputId, error: (error as Error).message }));
      restored += 1;
    }
    return restored;
  }

  execute(command: Command): CloudCommandResult {
    if (command.type === 'acknowledge_alarm') return this.acknowledgeAlarm(command);
    if (command.type !== 'output_on' && command.type !== 'output_off' && command.type !== 'output_auto') {
      return { outcome: 'rejected', detail: `${command.type} is not supported by this edge yet` };
    }
    if (!command.targetId) return { outcome: 'rejected', detail: `${command.type} needs a target output` };
    const output = this.deps.registry.listOutputs().find((item) => item.id === command.targetId);
    if (!output) return { outcome: 'rejected', detail: `no output ${command.targetId} on this edge` };
    const activity = this.deps.registry.outputActivity(output);
    // Handing an output back to automation is always safe; driving an inactive one is not.
    if (!activity.active && command.type !== 'output_auto') return { outcome: 'rejected', detail: `output "${output.name}" is inactive: ${activity.inactiveReason ?? 'unknown reason'}` };
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

  /**
   * Acknowledges an alarm as the person who sent the command, exactly as the LAN app does: the
   * alarm record and its `alarm_acknowledged` event commit in the ledger's transaction, and the
   * automation acknowledges its own track when it hears the event. Only a raised alarm can be
   * acknowledged; anything else is rejected with the reason, so the dashboard can say why.
   */
  private acknowledgeAlarm(command: Command): CloudCommandResult {
    const { alarms } = this.deps;
    if (!alarms) return { outcome: 'rejected', detail: 'acknowledge_alarm is not supported by this edge yet' };
    if (!command.targetId) return { outcome: 'rejected', detail: 'acknowledge_alarm needs the alarm id as its target' };
    if (!command.issuedBy) return { outcome: 'rejected', detail: 'acknowledge_alarm needs the person who acknowledges' };
    const alarm = this.findAlarm(command.targetId);
    if (!alarm) return { outcome: 'rejected', detail: `no alarm ${command.targetId} on this edge` };
    if (alarm.state !== 'raised') return { outcome: 'rejected', detail: `alarm ${alarm.id} is already ${alarm.state}` };
    alarms.acknowledge(alarm.id, command.issuedBy);
    return { outcome: 'executed', detail: `alarm ${alarm.id} (${alarm.kind}) acknowledged by ${command.issuedBy}` };
  }

  /** The alarm, or undefined when this edge has none with that id (AlarmService.get throws NOT_FOUND). */
  private findAlarm(id: string) {
    try {
      return this.deps.alarms?.get(id);
    } catch {
      return undefined;
    }
  }
}
