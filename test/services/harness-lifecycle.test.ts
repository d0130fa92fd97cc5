import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEnvFile } from '../../vitest.global-setup.js';

const script = fileURLToPath(new URL('../../scripts/test-services.sh', import.meta.url));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/test-services.sh', () => {
  it('starts every service on 127.0.0.1 in its own folder and stops each by its PID', () => {
    const dir = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    let env: Record<string, string> = {};
    try {
      env = readEnvFile(`${dir}/env`);
      expect(Object.keys(env).filter((key) => key.endsWith('_ERROR'))).toEqual([]);
      for (const key of ['MQTT_URL', 'DATABASE_URL', 'INFLUX_URL', 'REDIS_URL', 'S3_URL']) expect(env[key]).toMatch(/^[a-z]+:\/\/(postgres@)?127\.0\.0\.1:\d+/);
      expect(env.MQTTS_URL).toMatch(/^mqtts:\/\/localhost:\d+$/);
      const pids = ['MQTT_PID', 'PG_PID', 'INFLUX_PID', 'REDIS_PID', 'S3_PID'].map((key) => Number(env[key]));
      expect(pids.every(isRunning)).toBe(true);
    } finally {
      execFileSync('bash', [script, 'down', dir], { stdio: 'ignore' });
    }
    for (const key of ['MQTT_PID', 'PG_PID', 'INFLUX_PID', 'REDIS_PID', 'S3_PID']) expect(isRunning(Number(env[key])), key).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
