import { TokkatotError, newId } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { CommandRecord, CommandsRepository, EdgeDatabase } from '../db/index.js';
import { clipNote as clip } from '../events/clip-note.js';
import type { EventLog } from '../events/event-log.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { ApplyResult, OutputArbiter } from './output-arbiter.js';

export interface ManualRequest {
  state: 'on' | 'off';
  level?: number;
  reason: string;
  durationSeconds: number;
}

export interface Actor {
  userId: string;
  username: string;
}

export interface ManualResult extends ApplyResult {
  command: CommandRecord;
}

/**
 * Manual control: every command has a user, a reason and an expiry, is audited in the event log,
 * and goes through the arbiter as its "manual" input (so fail-safe and interlocks still win).
 */
export class CommandService {
  constructor(
    private readonly deps: {
      database: EdgeDatabase;
      commands: CommandsRepository;
      registry: RegistryService;
      arbiter: OutputArbiter;
      events: EventLog;
      clock: Clock;
    },
  ) {}

  /** Restores unexpired manual overrides after a restart and closes those that ran out meanwhile. */
  start(): void {
    const now = this.deps.clock.now();
    this.deps.arbiter.onInputExpired((outputId, source, input) => {
      if (source === 'manual' && input.ref) this.finish(input.ref, 'expired');
    });
    for (const command of this.deps.commands.listActive()) {
      if (command.expiresAt <= now) this.finish(command.id, 'expired');
      else void this.deps.arbiter.setInput(command.outputId, 'manual', this.toInput(command));
    }
  }

  async manual(outputId: string, request: ManualRequest, actor: Actor): Promise<ManualResult> {
    const output = this.deps.registry.getOutput(outputId);
    const activity = this.deps.registry.outputActivity(output);
    if (!activity.active) throw new TokkatotError('OUTPUT_INACTIVE', undefined, { outputId, inactiveReason: activity.inactiveReason });
    if (request.level !== undefined && !output.dimmable) {
      throw new TokkatotError('VALIDATION_FAILED', `Output "${output.name}" does not dim; send no level.`, [{ path: 'level', message: 'this output does not dim' }]);
    }
    if (request.state === 'on' && request.durationSeconds > output.maxOnSeconds) {
      throw new TokkatotError('VALIDATION_FAILED', `Output "${output.name}" may run at most ${output.maxOnSeconds} s at a time.`, [
        { path: 'durationSeconds', message: `must be at most ${output.maxOnSeconds} for this output` },
      ]);
    }
    const now = this.deps.clock.now();
    const command: CommandRecord = {
      id: newId(now),
      outputId,
      userId: actor.userId,
      state: request.state,
      level: request.level ?? null,
      reason: request.reason,
      createdAt: now,
      expiresAt: now + request.durationSeconds * 1000,
      status: 'active',
      endedAt: null,
    };
    this.deps.database.transaction(() => {
      const previous = this.deps.commands.activeFor(outputId);
      if (previous) this.deps.commands.end(previous.id, 'superseded', now);
      this.deps.commands.insert(command);
      this.deps.events.append({
        type: 'user_action',
        coopId: output.coopId,
        actorId: actor.userId,
        summary: clip(`${actor.username} switched "${output.name}" ${request.state}${request.level === undefined ? '' : ` at ${request.level} %`} for ${request.durationSeconds} s: ${request.reason}`),
        detail: { commandId: command.id, outputId, state: request.state, level: command.level, expiresAt: command.expiresAt },
      });
    });
    const result = await this.deps.arbiter.setInput(outputId, 'manual', this.toInput(command, actor.username));
    const overridden = result.decision.source !== 'manual';
    this.deps.events.append({
      type: 'command_result',
      coopId: output.coopId,
      actorId: actor.userId,
      commandId: command.id,
      outcome: overridden || (result.ack && !result.ack.ok) ? (overridden ? 'rejected' : 'failed') : 'executed',
      detail: clip(
        overridden
          ? `held back: ${result.decision.reason}`
          : result.ack && !result.ack.ok
            ? `the node did not confirm: ${result.ack.error}`
            : `output is ${result.decision.state}`,
      ),
    });
    return { ...result, command: this.deps.commands.get(command.id) ?? command };
  }

  /** Ends the manual override of an output: automation takes over again. */
  async release(outputId: string, actor: Actor): Promise<ApplyResult> {
    const output = this.deps.registry.getOutput(outputId);
    const active = this.deps.commands.activeFor(outputId);
    if (!active) throw new TokkatotError('NOT_FOUND', `Output "${output.name}" has no manual override to release.`);
    this.deps.database.transaction(() => {
      this.deps.commands.end(active.id, 'released', this.deps.clock.now());
      this.deps.events.append({
        type: 'user_action',
        coopId: output.coopId,
        actorId: actor.userId,
        summary: clip(`${actor.username} released the manual override of "${output.name}"`),
        detail: { commandId: active.id, outputId },
      });
    });
    return this.deps.arbiter.setInput(outputId, 'manual', null);
  }

  activeFor(outputId: string): CommandRecord | undefined {
    return this.deps.commands.activeFor(outputId);
  }

  private finish(commandId: string, status: 'expired'): void {
    const command = this.deps.commands.get(commandId);
    if (!command) return;
    const output = this.deps.registry.listOutputs().find((item) => item.id === command.outputId);
    this.deps.database.transaction(() => {
      if (!this.deps.commands.end(commandId, status, this.deps.clock.now())) return;
      this.deps.events.append({
        type: 'command_result',
        coopId: output?.coopId ?? null,
        actorId: command.userId,
        commandId,
        outcome: 'expired',
        detail: `manual override ended after its time ran out`,
      });
    });
  }

  private toInput(command: CommandRecord, username?: string) {
    return {
      state: command.state,
      level: command.level,
      reason: clip(`manual${username ? ` by ${username}` : ''}: ${command.reason}`),
      until: command.expiresAt,
      ref: command.id,
    };
  }
}

