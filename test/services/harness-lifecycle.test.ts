import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/test-services.sh', import.meta.url));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readEnv(dir: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`${dir}/env`, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('scripts/test-services.sh', () => {
  it('starts every service on 127.0.0.1 in its own folder and stops each by its PID', () => {
    const dir = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    let env: Record<string, string> = {};
    try {
      env = readEnv(dir);
      expect(Object.keys(env).filter((key) => key.endsWith('_ERROR'))).toEqual([]);
      for (const key of ['MQTT_URL', 'DATABASE_URL', 'INFLUX_URL']) expect(env[key]).toMatch(/^[a-z]+:\/\/(postgres@)?127\.0\.0\.1:\d+/);
      expect(env.MQTTS_URL).toMatch(/^mqtts:\/\/localhost:\d+$/);
      const pids = ['MQTT_PID', 'PG_PID', 'INFLUX_PID'].map((key) => Number(env[key]));
      expect(pids.every(isRunning)).toBe(true);
    } finally {
      execFileSync('bash', [script, 'down', dir], { stdio: 'ignore' });
    }
    for (const key of ['MQTT_PID', 'PG_PID', 'INFLUX_PID']) expect(isRunning(Number(env[key])), key).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
