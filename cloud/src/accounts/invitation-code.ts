import { randomInt } from 'node:crypto';

// Crockford base 32 without I, L, O, U: nothing to misread when the code is read out on the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new invitation code, "XXXXX-XXXXX" (50 bits; accepting is rate limited per person). */
export function generateInvitationCode(): string {
  let code = '';
  for (let i = 0; i < 10; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The canonical form of a typed code (case, spaces, dashes and look-alikes forgiven), or undefined. */
export function normaliseInvitationCode(typed: string): string | undefined {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(compact)) return undefined;
  return `${compact.slice(0, 5)}-${compact.slice(5)}`;
}
