import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/cloud-process.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokkatot-cloud-embedded-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The environment of a child: this test's variables only, none inherited that could steer main.ts. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
  return { ...env, ...extra };
}

interface Child {
  process: ChildProcess;
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

async function start(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /cloud listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exit.then(({ code }) => reject(new Error(`cloud exited with ${code}: ${err.slice(-800)}`)));
  });
  return { process: child, url, exit, stderr: () => err };
}

async function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

describe('main.ts', () => {
  it('refuses a bad environment, naming each bad variable and never echoing a secret', async () => {
    const bad = await run({ PORT: 'abc', DATA_DIR: dataDir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/PORT: must be a whole number/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // a message for the operator, not a stack trace
    const several = await run({ LOG_LEVEL: 'loud', REDIS_URL: 'http://secret-host:6379', DATABASE_URL: 'postgres://u:hunter2@db/x', JWT_SECRET: 'short' });
    expect(several.code).not.toBe(0);
    expect(several.stderr).toMatch(/LOG_LEVEL: must be one of/);
    expect(several.stderr).toMatch(/REDIS_URL: must start with redis: or rediss:/);
    expect(several.stderr).toMatch(/JWT_SECRET: must be at least 16 characters/);
    expect(several.stderr).not.toMatch(/secret-host|hunter2|short"/);
  }, 60_000);

  it('runs on the embedded database in DATA_DIR, keeps its data and key across a restart, and stops on SIGTERM with 0', async () => {
    const port = String(await freePort());
    const first = await start({ DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' });
    expect(await (await fetch(`${first.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${first.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    const started = await fetch(`${first.url}/v1/pairing/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edgeName: 'Barn Pi' }) });
    expect(started.status).toBe(201);
    const { pairingId, pollSecret } = (await started.json()) as { pairingId: string; pollSecret: string };
    // A second process on the same folder would corrupt it: refused while the first runs.
    const rival = await run({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(rival.code).not.toBe(0);
    expect(rival.stderr).toMatch(/in use by another cloud process \(pid \d+\)/);
    const keyFile = path.join(dataDir, 'jwt-secret');
    const key = readFileSync(keyFile, 'utf8');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    first.process.kill('SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });

    const second = await start({ DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' });
    try {
      // The pairing started before the restart is still there (an unknown one answers 404).
      const poll = await fetch(`${second.url}/v1/pairing/${pairingId}/credential`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pollSecret }) });
      expect(poll.status).toBe(202);
      expect(readFileSync(keyFile, 'utf8')).toBe(key);
      expect((await fetch(`${second.url}/ready`)).status).toBe(200);
    } finally {
      second.process.kill('SIGTERM');
    }
    expect(await second.exit).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('serves /metrics on METRICS_PORT only, not on the public port', async () => {
    const metricsPort = await freePort();
    const child = await start({ DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
    try {
      const publicMetrics = await fetch(`${child.url}/metrics`);
      expect(publicMetrics.status).toBe(404);
      expect(await publicMetrics.text()).not.toMatch(/api_request_total|database_connections_active/);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toMatch(/^database_connections_active \d+$/m);
      expect(text).toMatch(/^process_cpu_seconds_total /m);
      // The refused public request is counted under a route pattern, never under its raw path.
      expect(text).toMatch(/^api_request_total\{method="GET",route="(\/\*|unmatched)",status="404"\} 1$/m);
    } finally {
      child.process.kill('SIGTERM');
    }
    expect((await child.exit).code).toBe(0);
  }, 60_000);
});
