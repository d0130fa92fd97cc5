/** What a client does after a failed request. */
export type FailureKind =
  /** Credentials refused: stop and surface it, never retry blindly. */
  | 'auth'
  /** Checkpoint older than purged tombstones: wipe the collection and pull from scratch. */
  | 'resync'
  /** Transient (network, 5xx, 429, 408): back off and retry. */
  | 'retry'
  /** The request itself is wrong (other 4xx): retrying the same bytes cannot help. */
  | 'fatal';

/** Classifies an HTTP status, or `undefined` for a network failure. */
export function classifyFailure(status: number | undefined): FailureKind {
  if (status === undefined) return 'retry';
  if (status === 401 || status === 403) return 'auth';
  if (status === 410) return 'resync';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'fatal';
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Uniform [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^attempt)], at least 1 ms. */
export function computeBackoff(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(1, Math.floor(options.random() * ceiling));
}

/**
 * Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds from now; `undefined`
 * when absent or unreadable. Capped so a hostile header cannot park the client for a year.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number, capMs = 3_600_000): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) delay = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    delay = at - nowMs;
  }
  return Math.min(capMs, Math.max(0, delay));
}

/** The wait before the next attempt: the server's Retry-After when given, else jittered backoff. */
export function nextRetryDelay(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions): number {
  return retryAfterMs ?? computeBackoff(attempt, options);
}
