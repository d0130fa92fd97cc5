import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { CloudLink } from '../../src/cloud-link/index.js';
import { createEdge } from '../../src/edge.js';
import { tempDir, testConfig } from '../helpers.js';
import { startCloudChild, type CloudChild } from './support/cloud-child.js';

const CHILD = fileURLToPath(new URL('./support/edge-child.ts', import.meta.url));
const FARM = 'farm-kill-1';

/** Starts the edge child and resolves once it has generated its data. */
async function spawnEdge(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message) => {
      if ((message as { generated?: number }).generated !== undefined) resolve();
    });
    child.once('exit', (code) => reject(new Error(`edge child exited with ${code}`)));
  });
  return child;
}

function childStatus(child: ChildProcess): Promise<{ state: string; queueDepth: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const status = (message as { status?: { state: string; queueDepth: number } }).status;
      if (!status) return;
      child.off('message', onMessage);
      resolve(status);
    };
    child.on('message', onMessage);
    child.send('status');
  });
}

describe('CloudLink across a kill -9 of the edge', () => {
  let cloud: CloudChild;
  let dir: ReturnType<typeof tempDir>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    cloud = await startCloudChild();
    const ownerToken = await cloud.createFarm(FARM);
    dir = tempDir();
    // Pair once in this process, then hand the data folder to the child.
    const edge = createEdge({ config: testConfig(dir.dir), clock: systemClock, passwordCost: { memoryCost: 4096, timeCost: 1 } });
    const link = new CloudLink(edge, { url: cloud.url });
    const { claimCode } = (await link.claim('Kill Pi')) as { claimCode: string };
    const claimed = await fetch(`${cloud.url}/v1/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` }, body: JSON.stringify({ claimCode }) });
    expect(claimed.status).toBe(200);
    expect(await link.pollPairing()).toMatchObject({ state: 'paired' });
    await link.stop();
    edge.database.close();
  }, 30_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    dir?.remove();
    await cloud?.close();
  });

  const cloudNumber = async (sql: string): Promise<number> => Number((await cloud.pool.query<{ n: string }>(sql, [FARM])).rows[0]!.n);

  it('delivers every event and reading exactly once after being killed mid-upload', async () => {
    // A slow link, so the kill lands while batches are still in flight.
    const first = await spawnEdge({ DATA_DIR: dir.dir, CLOUD_URL: cloud.url, GENERATE: '120', UPLOAD_BPS: '20000' });
    children.push(first);
    await vi.waitFor(async () => expect(await cloudNumber("SELECT count(*) AS n FROM ingest_record WHERE farm_id = $1 AND stream = 'readings'")).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const readingsAtKill = await cloudNumber("SELECT COALESCE(sum(count), 0) AS n FROM telemetry_rollup WHERE farm_id = $1 AND resolution = 'minute'");
    expect(readingsAtKill).toBeLessThan(6000);

    const second = await spawnEdge({ DATA_DIR: dir.dir, CLOUD_URL: cloud.url });
    children.push(second);
    await vi.waitFor(async () => expect(await childStatus(second)).toMatchObject({ state: 'idle', queueDepth: 0 }), { timeout: 30_000, interval: 100 });
    const stopped = new Promise((resolve) => second.once('exit', resolve));
    second.send('stop');
    await stopped;

    const edge = createEdge({ config: testConfig(dir.dir), clock: systemClock });
    try {
      const localEvents = edge.repositories.events.count();
      const localReadings = edge.repositories.readings.rawCount();
      expect(localReadings).toBe(6000);
      expect(await cloudNumber("SELECT COALESCE(sum(count), 0) AS n FROM telemetry_rollup WHERE farm_id = $1 AND resolution = 'minute'")).toBe(localReadings);
      expect(await cloudNumber('SELECT count(*) AS n FROM farm_event WHERE farm_id = $1')).toBe(localEvents);
      // Each event travelled in exactly one outbox record (the event table's key would hide a duplicate).
      expect(await cloudNumber("SELECT count(*) AS n FROM ingest_record WHERE farm_id = $1 AND stream IN ('critical', 'events')")).toBe(localEvents);
    } finally {
      edge.database.close();
    }
  }, 55_000);
});
