import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSimulatorBinary } from '../../src/devices/simulator.js';

const dir = mkdtempSync(join(tmpdir(), 'tokkatot-sim-lifetime-'));
let started: number | undefined;
afterAll(() => {
  // If the behaviour under test is broken, do not leave the simulator behind.
  if (started !== undefined && isRunning(started)) process.kill(started, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('simulated coop lifetime', () => {
  it('stops by itself when the edge that started it is killed with SIGKILL', async () => {
    const binary = ensureSimulatorBinary();
    // A stand-in for the edge: starts the simulator as the edge does, prints its pid, then waits.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const child = spawn(${JSON.stringify(binary)}, ['--node-id', 'lifetime', '--data-dir', ${JSON.stringify(dir)}, '--exit-with-parent'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.once('data', () => console.log('sim ' + child.pid));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const simPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => {
        const match = /sim (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      parent.once('exit', () => reject(new Error('the parent exited before starting the simulator')));
    });
    started = simPid;
    expect(isRunning(simPid)).toBe(true);

    parent.kill('SIGKILL');
    await expect.poll(() => isRunning(simPid), { timeout: 5000 }).toBe(false);
  });
});
