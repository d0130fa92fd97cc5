import { execFileSync } from 'node:child_process';
import { readEnvFile } from '../../vitest.global-setup.js';

/**
 * The real services a benchmark needs: the ones the caller already points at (every name in
 * `needed` set in the environment), otherwise started here with scripts/test-services.sh and
 * stopped by `stop()`.
 */
export function useTestServices(needed: readonly string[]): { env: Record<string, string>; stop: () => void } {
  if (needed.every((name) => process.env[name])) return { env: process.env as Record<string, string>, stop: () => undefined };
  const dir = execFileSync('bash', ['scripts/test-services.sh', 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return { env: readEnvFile(`${dir}/env`), stop: () => execFileSync('bash', ['scripts/test-services.sh', 'down', dir], { stdio: 'inherit' }) };
}
