import { hash, verify } from '@node-rs/argon2';

// Argon2id with the library's defaults (19 MiB, 2 passes): the OWASP baseline, ~50 ms on one core.

/** The stored form of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Tells whether `password` matches the stored hash; a malformed hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verified against when the login names nobody, so an unknown login costs as long as a wrong password.
let decoy: Promise<string> | undefined;

/** A hash of a random password, made once per process. */
export function decoyHash(): Promise<string> {
  decoy ??= hash(`decoy-${Math.random()}`);
  return decoy;
}
