import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { REPO, run } from './support/run.js';

// The supervisor under a fake systemd-notify that records its messages, with a real HTTP
// server (python3 -m http.server) standing in for the edge and its /health file.
const work = mkdtempSync(join(tmpdir(), 'tokkatot-supervise-'));
const notifyLog = join(work, 'notify.log');
const www = join(work, 'www');
const supervisor = join(REPO, 'scripts/pi/edge-supervise.sh');

beforeAll(() => {
  mkdirSync(join(work, 'bin'));
  mkdirSync(www);
  writeFileSync(join(work, 'bin/systemd-notify'), '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$NOTIFY_LOG"\n');
  chmodSync(join(work, 'bin/systemd-notify'), 0o755);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function env(port: number, startTimeout = 20): NodeJS.ProcessEnv {
  return {
    PATH: `${join(work, 'bin')}:${process.env['PATH'] ?? ''}`,
    NOTIFY_LOG: notifyLog,
    TOKKATOT_HEALTH_URL: `http://127.0.0.1:${port}/health`,
    WATCHDOG_USEC: '4000000',
    EDGE_START_TIMEOUT_SECONDS: String(startTimeout),
  };
}

const notifications = () => (existsSync(notifyLog) ? readFileSync(notifyLog, 'utf8').trim().split('\n').filter(Boolean) : []);

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('edge-supervise.sh', () => {
  it('reports READY once /health answers, pings the watchdog only while it keeps answering, and passes on SIGTERM', async () => {
    writeFileSync(join(www, 'health'), 'ok');
    const port = await freePort();
    let stderr = '';
    const child: ChildProcess = spawn('bash', [supervisor, 'python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', www], { env: env(port), stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => notifications().filter((n) => n === 'WATCHDOG=1').length >= 2, 'two watchdog pings');
      expect(notifications()[0]).toMatch(/^--ready --status=serving http:\/\/127\.0\.0\.1:\d+\/health$/);

      rmSync(join(www, 'health'));
      await until(() => stderr.includes('health check failed'), 'a failed health check');
      const pingsWhenUnhealthy = notifications().length;
      await until(() => (stderr.match(/health check failed/g) ?? []).length >= 2, 'a second failed health check');
      expect(notifications()).toHaveLength(pingsWhenUnhealthy);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(143);
    expect(await listening(port)).toBe(false);
  });

  it('exits with the controller exit code when it dies before becoming healthy', async () => {
    rmSync(notifyLog, { force: true });
    const result = await run('bash', [supervisor, 'sh', '-c', 'exit 3'], { env: env(await freePort()) });
    expect(result.code).toBe(3);
    expect(notifications()).toEqual([]);
  });

  it('gives up and stops the controller when /health never answers', async () => {
    rmSync(notifyLog, { force: true });
    const result = await run('bash', [supervisor, 'sleep', '60'], { env: env(await freePort(), 1) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/edge did not answer http:\/\/127\.0\.0\.1:\d+\/health within 1s/);
    expect(notifications()).toEqual([]);
  });
});
