import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { systemClock } from '../../src/clock.js';
import { CloudLink } from '../../src/cloud-link/index.js';
import { createEdge, type Edge } from '../../src/edge.js';
import { tempDir, testConfig } from '../helpers.js';
import { startCloudChild, type CloudChild } from './support/cloud-child.js';

const FARM = 'farm-cli-1';

describe('tokkatot pair', () => {
  let cloud: CloudChild;
  let ownerToken: string;
  let dir: ReturnType<typeof tempDir>;
  let edge: Edge;
  let link: CloudLink;
  const env = process.env;

  beforeAll(async () => {
    cloud = await startCloudChild();
    ownerToken = await cloud.createFarm(FARM);
    dir = tempDir();
    // The controller is running, unpaired, while the installer pairs from a shell.
    edge = createEdge({ config: testConfig(dir.dir), clock: systemClock, passwordCost: { memoryCost: 4096, timeCost: 1 } });
    await edge.start();
    link = new CloudLink(edge, { url: cloud.url, pairingPollMs: 50, periodicSyncMs: 200 });
    link.start();
    process.env = { ...env, TOKKATOT_DATA_DIR: dir.dir, TOKKATOT_CONFIG: '', TOKKATOT_CLOUD_URL: cloud.url };
  }, 30_000);

  afterAll(async () => {
    process.env = env;
    await link?.stop();
    await edge?.stop();
    dir?.remove();
    await cloud?.close();
  });

  it('prints a claim code, waits for the owner, stores the credential, and the running edge starts syncing without a restart', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), readPassword: async () => '' };
    const exit = runCli(['pair', '--name', 'Shed Pi', '--poll-seconds', '0.05', '--timeout', '30'], io);
    const code = await vi.waitFor(
      () => {
        const match = lines.map((line) => /^claim code: (\S+)$/.exec(line)).find(Boolean);
        if (!match) throw new Error('no claim code yet');
        return match[1]!;
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(link.status()).toMatchObject({ state: 'not_paired' });
    const claimed = await fetch(`${cloud.url}/v1/pairing/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
      body: JSON.stringify({ claimCode: code }),
    });
    expect(claimed.status).toBe(200);
    expect(await exit).toBe(0);
    expect(lines.at(-1)).toMatch(new RegExp(`^paired: farm ${FARM}, edge edge-`));

    await vi.waitFor(() => expect(link.status()).toMatchObject({ state: 'idle', farmId: FARM, currentError: null }), { timeout: 10_000, interval: 50 });
    // The edge's own events reach the cloud under the cloud's farm id.
    const localEvents = edge.events.query({ limit: 1000 }).map((stored) => stored.event.id);
    await vi.waitFor(
      async () => expect(Number((await cloud.pool.query('SELECT count(*) AS n FROM farm_event WHERE farm_id = $1 AND id = ANY($2)', [FARM, localEvents])).rows[0].n)).toBe(localEvents.length),
      { timeout: 10_000, interval: 100 },
    );

    // Pairing again is a no-op: the credential is stored once and never requested again.
    lines.length = 0;
    expect(await runCli(['pair'], io)).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^already paired: farm farm-cli-1, edge edge-/)]);
    expect(Number((await cloud.pool.query('SELECT count(*) AS n FROM edge WHERE farm_id = $1', [FARM])).rows[0].n)).toBe(1);
  });

  it('refuses to pair without a cloud URL, naming the option', async () => {
    const lines: string[] = [];
    process.env = { ...process.env, TOKKATOT_CLOUD_URL: '' };
    try {
      expect(await runCli(['pair'], { out: (line) => lines.push(line), readPassword: async () => '' })).toBe(1);
    } finally {
      process.env = { ...env, TOKKATOT_DATA_DIR: dir.dir, TOKKATOT_CONFIG: '', TOKKATOT_CLOUD_URL: cloud.url };
    }
    expect(lines).toEqual([]);
  });
});
