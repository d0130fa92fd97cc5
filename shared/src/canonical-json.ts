import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Canonical JSON (RFC 8785 / JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form. Two documents are equal exactly when their canonical
 * forms are equal, whatever key order or formatting produced them.
 *
 * Properties whose value is `undefined` are omitted (as JSON.stringify does), so an absent
 * optional field and an undefined one hash the same. Non-finite numbers, bigints, functions
 * and symbols are rejected: they have no JSON form and must never reach a hash silently.
 */
export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
      // JSON.stringify already prints ECMAScript's shortest round-trip form, which JCS adopts; -0 prints as 0.
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalize(item === undefined ? null : item)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort(compareUtf16);
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalize(record[key])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** SHA-256 of the canonical JSON, lower-case hex. Synchronous so it works inside SQLite transactions. */
export function hashCanonical(value: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalize(value))));
}

/** Tells whether two JSON values are equal as documents (same canonical form). */
export function equalCanonical(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

// JCS sorts by UTF-16 code units, which is what plain string comparison does (not localeCompare).
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
