import { join } from 'node:path';
import type { FirmwareTarget } from '@tokkatot/shared';
import { hashDoc } from '@tokkatot/sync';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { getLocalParts } from '../../src/automation/zoned-time.js';
import { systemClock } from '../../src/clock.js';
import { CloudLink } from '../../src/cloud-link/index.js';
import { EMPTY_DOCUMENTS } from '../../src/control/automation-documents.js';
import { addDemoCoop } from '../../src/control/demo-farm.js';
import { toNodeHello } from '../../src/control/device-bridge.js';
import { DeviceManager, SerialTransport, SimulatedCoop } from '../../src/devices/index.js';
import { createEdge } from '../../src/edge.js';
import { startFirmwareAutoUpdate } from '../../src/firmware-update/index.js';
import { startCloudChild, type CloudChild } from '../cloud-link/support/cloud-child.js';
import { coopConfig, makeTempDir, nextEvent } from '../devices/support.js';
import { testConfig } from '../helpers.js';
import { makeReleaseKey, makeSimImage, signRelease } from './support/releases.js';
import { createTestBucket } from './support/s3-bucket.js';

// The whole path with nothing stood in for: the real cloud (its own process, Postgres, its
// download-url route signing against s3rver), a paired edge whose sync pulls firmware_targets,
// and tokkatot-sim. The edge is told nothing but the target document the cloud writes.
const FARM = 'farm-fw-rollout';
const ZONE = 'Asia/Phnom_Penh';
const NEW_VERSION = '1.1.0-sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A window of two hours around the farm's present, so the real clock is inside it. */
function windowAroundNow(): FirmwareTarget['window'] {
  const local = getLocalParts(Date.now(), ZONE);
  const minute = local.hour * 60 + local.minute;
  const hhmm = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, '0')}:${String((m + 1440) % 60).padStart(2, '0')}`;
  return { start: hhmm(minute - 60), end: hhmm(minute + 60) };
}

/** What the cloud's rollout writes (SyncDocStore.writeServerDocs): the farm's target at the next sequence. */
async function writeTargetInCloud(cloud: CloudChild, target: FirmwareTarget): Promise<void> {
  const client = await cloud.pool.connect();
  try {
    await client.query('BEGIN');
    const seq = Number((await client.query<{ seq: string }>('UPDATE farm_clock SET seq = seq + 1 WHERE farm_id = $1 RETURNING seq', [FARM])).rows[0]!.seq);
    const doc = { ...target, _deleted: false };
    await client.query(
      `INSERT INTO sync_doc (farm_id, collection, id, body, body_hash, deleted, seq, updated_by, server_time)
       VALUES ($1, 'firmware_targets', $2, $3, $4, false, $5, 'firmware-rollout', now())`,
      [FARM, target.id, JSON.stringify(target), hashDoc(doc), seq],
    );
    await client.query('SELECT pg_notify($1, $2)', ['tokkatot_sync', JSON.stringify({ farmId: FARM, collection: 'firmware_targets', seq })]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

describe('a paired edge with trusted release keys', () => {
  it('learns its target from the cloud, downloads through a signed URL, and updates its node by itself', async () => {
    const bucket = await createTestBucket();
    cleanups.push(() => bucket.close());
    // The cloud child reads its bucket from the environment, as in production.
    const saved = { ...process.env };
    Object.assign(process.env, { STORAGE_ENDPOINT: inject('services').S3_URL, STORAGE_BUCKET: bucket.name, STORAGE_KEY: 'S3RVER', STORAGE_SECRET: 'S3RVER' });
    let cloud: CloudChild;
    try {
      cloud = await startCloudChild();
    } finally {
      for (const name of ['STORAGE_ENDPOINT', 'STORAGE_BUCKET', 'STORAGE_KEY', 'STORAGE_SECRET']) if (saved[name] === undefined) delete process.env[name];
    }
    cleanups.push(() => cloud.close());
    const ownerToken = await cloud.createFarm(FARM);

    const temp = makeTempDir('tokkatot-fw-paired-');
    cleanups.push(temp.remove);
    const key = makeReleaseKey();
    const edge = createEdge({ config: testConfig(temp.dir, { farm: { timezone: ZONE }, firmware: { releaseKeys: [key.publicKey] } }), clock: systemClock });
    await edge.start();
    cleanups.push(() => edge.stop());
    const link = new CloudLink(edge, { url: cloud.url, periodicSyncMs: 200, pairingPollMs: 50, configImportMs: 200, readingsIntervalMs: 60_000 });
    link.start();
    cleanups.push(() => link.stop());
    // Unpaired: no target, whatever the cloud holds.
    expect(link.firmwareTarget()).toBeUndefined();
    const { claimCode } = (await link.claim('Barn Pi')) as { claimCode: string };
    const claimed = await fetch(`${cloud.url}/v1/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` }, body: JSON.stringify({ claimCode }) });
    expect(claimed.status).toBe(200);
    await vi.waitFor(() => expect(link.pairingState()).toMatchObject({ state: 'paired', farmId: FARM }), { timeout: 10_000, interval: 50 });

    const nodeId = 'coop-1';
    const coop = new SimulatedCoop({ nodeId, dataDir: join(temp.dir, 'sim') });
    await coop.start();
    cleanups.push(() => coop.kill());
    const devices = new DeviceManager({ transports: [new SerialTransport({ paths: [coop.link], reopenDelayMs: 100 })], configFor: () => coopConfig(2000), commandTimeoutMs: 300 });
    cleanups.push(() => devices.stop());
    const configured = nextEvent(devices, 'nodeConfigured', (e) => e.nodeId === nodeId, 15_000);
    await devices.start();
    await configured;
    const hello = devices.getNode(nodeId)!.hello;
    edge.registry.recordHello(toNodeHello(hello, 'serial'));
    addDemoCoop(edge, hello, 1, EMPTY_DOCUMENTS);

    const logged: string[] = [];
    const rollout = startFirmwareAutoUpdate({
      edge,
      devices,
      cloud: link,
      log: (message) => logged.push(message),
      checkIntervalMs: 250,
      updater: { healthTimeoutS: 10, statusTimeoutMs: 500, reconnectTimeoutMs: 20_000 },
      retryDelayMs: 50,
    });
    expect(rollout).not.toBeNull();
    cleanups.push(async () => void (await rollout!.stop()));
    expect(logged).toContain('automatic firmware updates are on: 1 release key(s) trusted');

    // Published to the bucket, then targeted at this farm by the cloud.
    const bytes = makeSimImage(NEW_VERSION, 48 * 1024);
    const release = signRelease(bytes, NEW_VERSION, key);
    await bucket.put(release.objectKey, bytes);
    await writeTargetInCloud(cloud, {
      id: FARM,
      farmId: FARM,
      hlc: edge.hlc.tick(),
      updatedAt: Date.now(),
      channel: 'stable',
      release,
      window: windowAroundNow(),
      paused: false,
    });

    await vi.waitFor(() => expect(devices.getNode(nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, imageConfirmed: true }), { timeout: 60_000, interval: 100 });
    expect(link.firmwareTarget()?.release?.version).toBe(NEW_VERSION);
    const phases = edge.events.query({ types: ['user_action'], afterSeq: 0, limit: 200 }).map((stored) => (stored.event as { detail?: { phase?: string } }).detail?.phase);
    expect(phases).toEqual(expect.arrayContaining(['downloaded', 'rollout_started', 'started', 'verified', 'succeeded']));
  }, 120_000);
});
