import { z } from 'zod';

/**
 * Hybrid logical clock (Kulkarni et al.): a timestamp that follows wall time but never goes
 * backwards and orders causally related edits even when the Pi's clock is wrong after a power
 * cut. Used to pick the later edit when the edge and the cloud changed the same field.
 */
export interface HlcTimestamp {
  /** Wall-clock milliseconds since the epoch (the largest seen). */
  wallMs: number;
  /** Counter that orders events within the same wallMs. */
  counter: number;
  /** The clock's owner, breaking ties so that no two clocks produce equal stamps. */
  node: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 5;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;

/** The encoded form: `wallMs:counter:node`, zero-padded so string order is clock order. */
export const HlcStringSchema = z
  .string()
  .max(120)
  .regex(/^\d{15}:\d{5}:[A-Za-z0-9_-]{1,64}$/, 'must be a hybrid logical clock stamp "wallMs:counter:node"');

/** Encodes a stamp so that plain string comparison orders stamps. */
export function encodeHlc(stamp: HlcTimestamp): string {
  return `${String(stamp.wallMs).padStart(WALL_DIGITS, '0')}:${String(stamp.counter).padStart(COUNTER_DIGITS, '0')}:${stamp.node}`;
}

/** Decodes a stamp; throws on anything that is not a valid encoded stamp. */
export function decodeHlc(encoded: string): HlcTimestamp {
  const parsed = HlcStringSchema.parse(encoded);
  const [wall, counter, ...node] = parsed.split(':');
  return { wallMs: Number(wall), counter: Number(counter), node: node.join(':') };
}

/** Orders two encoded stamps: negative when a is earlier. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface HlcOptions {
  node: string;
  /** Wall clock in ms; injected so tests can jump it. */
  now: () => number;
  /** A remote stamp further ahead of our wall clock than this is refused (a broken clock elsewhere). */
  maxDriftMs?: number;
}

/** A hybrid logical clock owned by one node. */
export class HybridLogicalClock {
  private last: HlcTimestamp;
  private readonly maxDriftMs: number;

  constructor(private readonly options: HlcOptions, last?: string) {
    this.maxDriftMs = options.maxDriftMs ?? 24 * 60 * 60 * 1000;
    this.last = last ? decodeHlc(last) : { wallMs: 0, counter: 0, node: options.node };
  }

  /** A stamp for a local event (an edit made here). */
  tick(): string {
    const wall = this.options.now();
    if (wall > this.last.wallMs) {
      this.last = { wallMs: wall, counter: 0, node: this.options.node };
    } else {
      this.last = this.bump(this.last.wallMs, this.last.counter + 1);
    }
    return encodeHlc(this.last);
  }

  /** Merges a stamp received from elsewhere so that later local stamps sort after it. */
  receive(remote: string): string {
    const other = decodeHlc(remote);
    const wall = this.options.now();
    if (other.wallMs - wall > this.maxDriftMs) {
      throw new RangeError(`remote clock ${other.wallMs} is more than ${this.maxDriftMs} ms ahead of ours (${wall})`);
    }
    const maxWall = Math.max(wall, this.last.wallMs, other.wallMs);
    let counter = 0;
    if (maxWall === this.last.wallMs && maxWall === other.wallMs) counter = Math.max(this.last.counter, other.counter) + 1;
    else if (maxWall === this.last.wallMs) counter = this.last.counter + 1;
    else if (maxWall === other.wallMs) counter = other.counter + 1;
    this.last = this.bump(maxWall, counter);
    return encodeHlc(this.last);
  }

  /** The latest stamp issued, to persist so the clock survives a restart. */
  current(): string {
    return encodeHlc(this.last);
  }

  // On counter overflow borrow a millisecond from the future rather than repeat a stamp.
  private bump(wallMs: number, counter: number): HlcTimestamp {
    if (counter > MAX_COUNTER) return { wallMs: wallMs + 1, counter: 0, node: this.options.node };
    return { wallMs, counter, node: this.options.node };
  }
}
