import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const script = fileURLToPath(new URL('./scripts/test-services.sh', import.meta.url));

/** Parses the KEY=VALUE file written by scripts/test-services.sh. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/**
 * Starts Mosquitto, PostgreSQL and VictoriaMetrics once for the whole run (unless a caller such
 * as scripts/run-tests.mjs already did and exported SERVICES_DIR) and hands their addresses to
 * the tests through `inject('services')`. A service that failed to start is handed over as an
 * error string so the tests that need it fail by name.
 */
export default function setup(project: TestProject): () => void {
  let owned = false;
  let dir = process.env.SERVICES_DIR;
  if (!dir) {
    dir = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    owned = true;
  }
  const env = readEnvFile(`${dir}/env`);
  Object.assign(process.env, env);
  project.provide('services', env);
  return () => {
    if (owned) execFileSync('bash', [script, 'down', dir], { stdio: 'inherit' });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}
