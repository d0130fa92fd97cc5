import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { killHard, spawnEdge, type EdgeProcess } from './edge-process.js';

describe('edge main (npm start)', () => {
  let dir: ReturnType<typeof tempDir>;
  let edge: EdgeProcess | undefined;
  beforeEach(() => {
    dir = tempDir('tokkatot-main-');
  });
  afterEach(async () => {
    if (edge) await killHard(edge);
    edge = undefined;
    dir.remove();
  });

  it('starts on embedded defaults, creates and migrates the store, answers health, readiness and metrics, and ships no user', async () => {
    edge = await spawnEdge(dir.dir);
    expect(edge.banner).toMatch(/No user exists yet, and no default password ships/);
    expect(edge.banner).toContain(`${edge.url}/api/setup/owner`);
    expect(edge.banner).toMatch(/tokkatot user add --username owner --role owner/);
    expect((await fetch(`${edge.url}/health`)).status).toBe(200);
    const ready = (await (await fetch(`${edge.url}/ready`)).json()) as { status: string; needsOwner: boolean; schemaVersion: number };
    expect(ready).toMatchObject({ status: 'ready', needsOwner: true });
    expect(ready.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`${edge.url}/metrics`)).text()).toContain('api_request_total');
    const login = await fetch(`${edge.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    expect(login.status).toBe(401);
  });

  it('refuses to start on an invalid configuration, naming the field and the fix', () => {
    writeFileSync(join(dir.dir, 'tokkatot.json'), JSON.stringify({ http: { port: 'eighty' } }));
    const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const result = spawnSync(process.execPath, ['--import', loader, main], { cwd: dir.dir, encoding: 'utf8', env: { ...process.env, TOKKATOT_CONFIG: '', TOKKATOT_PORT: '' }, timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/http\.port: .*Fix: set "http\.port"/);
  });
});
