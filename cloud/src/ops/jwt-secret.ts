import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file in DATA_DIR that keeps the embedded cloud's signing key. */
export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The signing key of a cloud started without JWT_SECRET: made once, kept readable by the owner
 * only, and read again on every start so sessions survive a restart.
 */
export async function loadOrCreateJwtSecret(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, JWT_SECRET_FILE);
  try {
    await writeFile(file, `${randomBytes(48).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A copy restored by hand may have lost its mode; the key must not be readable by others.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 16) throw new Error(`${file} holds no usable key (fewer than 16 characters); remove it to make a new one`);
  return secret;
}
