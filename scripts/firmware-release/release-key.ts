import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { releaseKeyId } from '@tokkatot/shared';
import { ReleaseError } from './release-error.js';

/** A release signing key: the private half for signing, and the public half farms trust. */
export interface ReleaseKey {
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key in base64 (ReleasePublicKeySchema). */
  publicKey: string;
  keyId: string;
}

/** Makes a new Ed25519 release key pair. */
export function generateReleaseKey(): ReleaseKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return describeKey(privateKey);
}

/**
 * Writes the private key as PKCS#8 PEM, readable by its owner only. Never overwrites: replacing
 * a release key by accident would orphan every farm that trusts the old one.
 */
export function writePrivateKey(path: string, key: ReleaseKey): void {
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' });
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ReleaseError('key_exists', `${path} already exists; a release key is never overwritten (choose another path)`);
    throw new ReleaseError('usage', `cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Reads a private key written by keygen.ts (or any PKCS#8 Ed25519 PEM). */
export function loadReleaseKey(path: string): ReleaseKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ReleaseError('invalid_key', `cannot read the release key ${path}: ${(error as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ReleaseError('invalid_key', `${path} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new ReleaseError('invalid_key', `${path} is a ${privateKey.asymmetricKeyType} key; release keys are Ed25519`);
  return describeKey(privateKey);
}

/** The raw public key (base64) of an Ed25519 key object, private or public. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url').toString('base64');
}

function describeKey(privateKey: KeyObject): ReleaseKey {
  const publicKey = rawPublicKey(privateKey);
  return { privateKey, publicKey, keyId: releaseKeyId(publicKey) };
}
