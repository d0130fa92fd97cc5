import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { login, startTestEdge, tempDir, type TestEdge } from '../helpers.js';

describe('tokkatot CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  let lines: string[];
  let password: string;
  const io = () => ({ out: (line: string) => lines.push(line), readPassword: async () => password });
  const env = process.env;

  beforeEach(() => {
    dir = tempDir();
    lines = [];
    password = 'a long password';
    process.env = { ...env, TOKKATOT_DATA_DIR: dir.dir, TOKKATOT_PORT: '1', TOKKATOT_CONFIG: '' };
  });
  afterEach(() => {
    process.env = env;
    dir.remove();
  });

  it('adds the first owner, who can then sign in to the edge', async () => {
    expect(await runCli(['user', 'add', '--username', 'Dara', '--role', 'owner', '--display-name', 'Dara'], io())).toBe(0);
    expect(lines[0]).toMatch(/^added dara \(owner, id /);
    const test: TestEdge = await startTestEdge({}, { dir: dir.dir, remove: () => undefined });
    try {
      expect(await login(test, 'dara', 'a long password')).toBeTruthy();
      expect((await test.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needsOwner: false });
    } finally {
      await test.close();
    }
  });

  it('refuses a bad role, a short password and a duplicate user with exit code 1', async () => {
    expect(await runCli(['user', 'add', '-u', 'xena', '-r', 'admin'], io())).toBe(1);
    password = 'short';
    expect(await runCli(['user', 'add', '-u', 'xena', '-r', 'owner'], io())).toBe(1);
    password = 'a long password';
    expect(await runCli(['user', 'add', '-u', 'xena', '-r', 'owner'], io())).toBe(0);
    expect(await runCli(['user', 'add', '-u', 'xena', '-r', 'worker'], io())).toBe(1);
  });

  it('resets a password, prints status, backs up and restores', async () => {
    await runCli(['user', 'add', '-u', 'sok', '-r', 'owner'], io());
    password = 'another long one';
    expect(await runCli(['user', 'reset', 'sok'], io())).toBe(0);
    expect(lines.at(-1)).toMatch(/password of sok reset/);
    expect(await runCli(['status'], io())).toBe(0);
    const status = lines.join('\n');
    expect(status).toMatch(/users: +1 owner/);
    expect(status).toMatch(/integrity: ok/);
    expect(status).toMatch(/edge: +not answering/);
    expect(await runCli(['backup', '--out', `${dir.dir}/b.db`], io())).toBe(0);
    expect(lines.at(-1)).toMatch(/integrity ok/);
    expect(await runCli(['restore', `${dir.dir}/b.db`], io())).toBe(0);
    expect(lines.join('\n')).toMatch(/previous database is kept as/);
    expect(await runCli(['restore', `${dir.dir}/missing.db`], io())).toBe(1);
  });

  it('exits non-zero on an unknown command', async () => {
    const write = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await runCli(['frobnicate'], io())).not.toBe(0);
    } finally {
      process.stderr.write = write;
    }
  });
});
