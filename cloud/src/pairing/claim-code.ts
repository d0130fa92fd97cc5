import { randomInt } from 'node:crypto';

// Crockford base 32: no I, L, O, U, so a code read aloud or off a small screen is unambiguous.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new claim code, "XXXX-XXXX" (40 bits). */
export function generateClaimCode(): string {
  let code = '';
  for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Normalises what a person typed: case, dashes, spaces, and look-alike letters. */
export function normaliseClaimCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(cleaned)) return undefined;
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4)}`;
}
