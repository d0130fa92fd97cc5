import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePiRoot, piSetup, updateEdge } from './support/pi-root.js';

const pi = makePiRoot();
const releases = {
  v1: pi.release('1.0.0'),
  v2: pi.release('1.1.0'),
  v3: pi.release('1.2.0'),
  broken: pi.release('1.3.0', { BROKEN: 'fails its health check\n' }),
  broken2: pi.release('1.4.0', { BROKEN: 'fails its health check\n' }),
};

// Stands in for the edge's GET /health: healthy unless the release `current` points at is
// marked BROKEN, or the whole machine is down.
let machineDown = false;
let healthRequests = 0;
const server: Server = createServer((_request, response) => {
  healthRequests++;
  const broken = machineDown || existsSync(join(pi.root, 'opt/tokkatot/current/BROKEN'));
  response.writeHead(broken ? 503 : 200, { 'content-type': 'application/json' }).end(broken ? '{"status":"down"}' : '{"status":"ok"}');
});
let healthUrl: string;

const link = (name: string) => readlinkSync(join(pi.root, 'opt/tokkatot', name));
const update = (...args: string[]) => updateEdge(['--root', pi.root, '--health-url', healthUrl, '--health-timeout', '2', ...args]);

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no health server address');
  healthUrl = `http://127.0.0.1:${address.port}/health`;
  const setup = await piSetup(['--root', pi.root, '--release', releases.v1, '--no-pair']);
  expect(setup.code, setup.stderr).toBe(0);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(pi.base, { recursive: true, force: true });
});

// The cases build on each other, like successive updates of one Pi.
describe('update-edge.sh', () => {
  it('switches to a healthy release and keeps the one before it', async () => {
    const result = await update('--from', releases.v2);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('would run: systemctl restart tokkatot-edge.service');
    expect(link('current')).toBe('releases/1.1.0');
    expect(link('previous')).toBe('releases/1.0.0');
    expect(readFileSync(join(pi.root, 'var/log/tokkatot/updates.log'), 'utf8')).toMatch(/Z updated: 1\.0\.0 -> 1\.1\.0\n$/);
  });

  it('prunes releases older than the previous one', async () => {
    expect((await update('--from', releases.v3)).code).toBe(0);
    expect([link('current'), link('previous')]).toEqual(['releases/1.2.0', 'releases/1.1.0']);
    expect(existsSync(join(pi.root, 'opt/tokkatot/releases/1.0.0'))).toBe(false);
  });

  it('rolls back to the running release when the new one fails its health check', async () => {
    const before = healthRequests;
    const result = await update('--from', releases.broken);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('release 1.3.0 failed its health check');
    expect(healthRequests - before).toBeGreaterThanOrEqual(3);
    expect([link('current'), link('previous')]).toEqual(['releases/1.2.0', 'releases/1.1.0']);
    // The failed release stays on disk for diagnosis until the next successful update.
    expect(existsSync(join(pi.root, 'opt/tokkatot/releases/1.3.0/BROKEN'))).toBe(true);
    expect(readFileSync(join(pi.root, 'var/log/tokkatot/updates.log'), 'utf8')).toContain('rolled back: 1.3.0 -> 1.2.0');
  });

  it('does nothing when the release is already current', async () => {
    const result = await update('--from', releases.v3);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('release 1.2.0 is already current');
    expect(result.stdout).not.toContain('systemctl restart');
  });

  it('rolls back by hand to the previous release', async () => {
    const result = await update('--rollback');
    expect(result.code, result.stderr).toBe(0);
    expect([link('current'), link('previous')]).toEqual(['releases/1.1.0', 'releases/1.2.0']);
    const status = await update('--status');
    expect(status.stdout).toBe('current: 1.1.0\nprevious: 1.2.0\n');
  });

  it('fails loudly when the rollback is not healthy either', async () => {
    machineDown = true;
    try {
      const result = await update('--from', releases.broken2);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('rollback to 1.1.0 is not healthy either');
      expect(link('current')).toBe('releases/1.1.0');
    } finally {
      machineDown = false;
    }
  });

  it.each([
    [['--health-timeout', 'soon', '--status'], /--health-timeout must be whole seconds/],
    [[], /say --from DIR, --rollback or --status/],
    [['--from', '/nonexistent-release-folder'], /release source \/nonexistent-release-folder is not a folder/],
  ])('rejects %j', async (args, message) => {
    const result = await updateEdge(['--root', pi.root, ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
