import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bundle = join(repo, 'edge/build/bundle/tokkatot-edge.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'tokkatot-bundle-test-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with the first line matching, or rejects when the process exits first. */
function waitForLine(process: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    process.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = buffered.split('\n').find((line) => pattern.test(line));
      if (match) resolve(match);
    });
    process.once('exit', (code) => reject(new Error(`edge bundle exited with ${code}: ${buffered}`)));
  });
}

describe('edge production bundle (npm run build:edge)', () => {
  it('runs the controller as plain JavaScript: migrates a new database and answers /health', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'edge/scripts/build-bundle.ts')], { cwd: repo, stdio: 'pipe' });
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(join(repo, 'edge/build/bundle/migrations/001-core.sql'))).toBe(true);

    child = spawn(process.execPath, [bundle], {
      cwd: join(repo, 'edge'),
      env: { ...process.env, TOKKATOT_DATA_DIR: dataDir, TOKKATOT_HOST: '127.0.0.1', TOKKATOT_PORT: '0', TOKKATOT_SIMULATED_COOPS: '0', TOKKATOT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await waitForLine(child, /^listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = line.replace('listening on ', '').trim();
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const setup = await fetch(`${url}/api/setup`);
    expect(setup.status).toBe(200);
    expect(existsSync(join(dataDir, 'tokkatot.db'))).toBe(true);
  });
});
