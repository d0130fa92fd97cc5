import type { Command } from './command.js';

/** A fix of server time: what the server said, and our monotonic clock when we heard it. */
export interface ServerTimeFix {
  serverNowMs: number;
  monotonicMs: number;
}

/** Estimates server time from the last fix and the monotonic clock (immune to wall-clock jumps). */
export function estimateServerTime(fix: ServerTimeFix, monotonicNowMs: number): number {
  return fix.serverNowMs + (monotonicNowMs - fix.monotonicMs);
}

export type CommandVerdict =
  | { run: true; serverNowMs: number }
  | { run: false; reason: 'expired' | 'not_yet' | 'untrusted_time'; serverNowMs?: number };

export interface ExpiryOptions {
  /** A server-time fix older than this is not trusted (the monotonic clock drifts, the Pi may have slept). */
  maxFixAgeMs: number;
}

/**
 * Decides, at execution time, whether a command may run: only inside [notBefore, expiresAt] by
 * trusted server time. No fix, or a stale one, means "untrusted_time": a command never runs late.
 */
export function checkCommandExpiry(
  command: Pick<Command, 'notBefore' | 'expiresAt'>,
  fix: ServerTimeFix | undefined,
  monotonicNowMs: number,
  options: ExpiryOptions,
): CommandVerdict {
  if (fix === undefined) return { run: false, reason: 'untrusted_time' };
  const age = monotonicNowMs - fix.monotonicMs;
  if (age < 0 || age > options.maxFixAgeMs) return { run: false, reason: 'untrusted_time' };
  const serverNowMs = estimateServerTime(fix, monotonicNowMs);
  if (serverNowMs >= command.expiresAt) return { run: false, reason: 'expired', serverNowMs };
  if (serverNowMs < command.notBefore) return { run: false, reason: 'not_yet', serverNowMs };
  return { run: true, serverNowMs };
}

/** Server side: tells whether a stored command must be tombstoned now. */
export function isCommandExpired(command: Pick<Command, 'expiresAt'>, serverNowMs: number): boolean {
  return serverNowMs >= command.expiresAt;
}
