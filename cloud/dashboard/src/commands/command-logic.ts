/**
 * Remote commands from the coop page, without DOM or network (so they run in node): the body
 * POST /v1/farms/:farmId/commands takes for a person's choice, the minutes they typed, the latest
 * command of each output, and which words an outcome gets.
 */
import type { MessageKey } from '../i18n/en.js';

export type CommandAction = 'on' | 'off' | 'auto';
export type CommandOutcome = 'pending' | 'executed' | 'expired' | 'rejected' | 'failed';

/** A command as GET /v1/farms/:farmId/commands lists it (the fields the page uses). */
export interface CommandView {
  id: string;
  type: string;
  targetId: string | null;
  durationSeconds: number | null;
  issuedAt: number;
  expiresAt: number;
  outcome: CommandOutcome;
  detail: string | null;
  cancelled: boolean;
}

export interface NewCommand {
  type: 'output_on' | 'output_off' | 'output_auto' | 'run_feeder';
  targetId: string;
  durationSeconds: number | null;
}

/** The longest "on" the page offers; the farm also refuses more than the output's own limit. */
export const MAX_MINUTES = 240;

/** Whole minutes from 1 to MAX_MINUTES, typed in Western or Khmer digits; null otherwise. */
export function parseMinutes(text: string): number | null {
  const western = text.trim().replace(/[០-៩]/g, (digit) => String('០១២៣៤៥៦៧៨៩'.indexOf(digit)));
  if (!/^\d{1,3}$/.test(western)) return null;
  const minutes = Number(western);
  return minutes >= 1 && minutes <= MAX_MINUTES ? minutes : null;
}

/**
 * The command for a choice. A feeder runs a feeding cycle ("on" is `run_feeder`); "off" carries
 * no duration (the API refuses one: the farm holds it off for the command's own short window,
 * then its automation decides again), so an output can never be kept off remotely for long.
 */
export function commandFor(output: { id: string; kind: string }, action: CommandAction, minutes: number): NewCommand {
  if (action === 'auto') return { type: 'output_auto', targetId: output.id, durationSeconds: null };
  if (action === 'off') return { type: 'output_off', targetId: output.id, durationSeconds: null };
  return { type: output.kind === 'feeder' ? 'run_feeder' : 'output_on', targetId: output.id, durationSeconds: minutes * 60 };
}

/** The newest command of each output among the listed ones (the list comes newest first). */
export function latestByTarget(commands: readonly CommandView[]): Map<string, CommandView> {
  const latest = new Map<string, CommandView>();
  for (const command of commands) {
    if (command.targetId === null || command.type === 'acknowledge_alarm') continue;
    const seen = latest.get(command.targetId);
    if (!seen || command.issuedAt > seen.issuedAt) latest.set(command.targetId, command);
  }
  return latest;
}

/** Whether the page should keep asking what became of its commands. */
export const anyPending = (commands: Iterable<CommandView>): boolean => [...commands].some((command) => command.outcome === 'pending');

/** A command old enough that its result no longer helps the person, so it is not shown. */
export const isStale = (command: CommandView, now: number): boolean => now - command.issuedAt > 30 * 60_000;

export function outcomeKey(command: CommandView): MessageKey {
  if (command.cancelled) return 'cmdCancelled';
  switch (command.outcome) {
    case 'pending':
      return 'cmdPending';
    case 'executed':
      return 'cmdExecuted';
    case 'expired':
      return 'cmdExpired';
    default:
      return 'cmdRefused';
  }
}

/** The words of what the command asked, e.g. "On for 20 minutes". */
export function actionKey(command: Pick<CommandView, 'type'>): MessageKey {
  if (command.type === 'output_auto') return 'cmdAskedAuto';
  if (command.type === 'output_off') return 'cmdAskedOff';
  if (command.type === 'run_feeder') return 'cmdAskedFeed';
  return 'cmdAskedOn';
}
