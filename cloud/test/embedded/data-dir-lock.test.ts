import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/embedded/data-dir-lock.js';

const root = mkdtempSync(path.join(tmpdir(), 'tokkatot-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lockDataDir', () => {
  it('refuses a folder a running process holds, and frees it on release', async () => {
    const dir = path.join(root, 'held');
    const release = await lockDataDir(dir);
    // This process holds it; a live owner other than us is simulated by the parent process.
    writeFileSync(`${dir}.lock`, `${process.ppid}\n`);
    await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`in use by another cloud process \\(pid ${process.ppid}\\)`));
    writeFileSync(`${dir}.lock`, `${process.pid}\n`);
    await release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs (killed, power cut)', async () => {
    const dir = path.join(root, 'stale');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${dir}.lock`, `${gone}\n`);
    const release = await lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await release();
  });
});
