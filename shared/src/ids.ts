import { monotonicFactory } from 'ulid';
import { z } from 'zod';

const nextUlid = monotonicFactory();

/** A new sortable id (ULID): lexical order is creation order, even within one millisecond. */
export function newId(now: number = Date.now()): string {
  return nextUlid(now);
}

/** A ULID: 26 Crockford base-32 characters. */
export const UlidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID (26 characters, Crockford base 32)');

/**
 * Any entity id: a ULID for records made by the software, or a readable slug for things named at
 * install (node ids printed on the board, "coop-1"). Bounded and restricted so it is safe in
 * topics, file names and URLs.
 */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'may contain only letters, digits, "-" and "_", starting with a letter or digit');
