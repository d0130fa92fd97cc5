import { join } from 'node:path';
import type { FirmwareRelease, FirmwareTarget } from '@tokkatot/shared';
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

// The whole path with nothing stood in for: the real cloud (its own process, Postgres, the bucket
// on s3rver) importing the release and rolling it out through its admin routes, the owner opening
// the farm's window, a paired edge whose sync pulls firmware_targets, and tokkatot-sim. The edge
// is told nothing but the target document the cloud writes.
const ZONE = 'Asia/Phnom_Penh';
const NEW_VERSION = '1.1.0-sim';
const STORAGE_VARIABLES = ['STORAGE_ENDPOINT', 'STORAGE_BUCKET', 'STORAGE_KEY', 'STORAGE_SECRET', 'FIRMWARE_RELEASE_KEYS'];

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

async function call<T>(cloud: CloudChild, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${cloud.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const PASSWORD = 'paired-edge-rollout-pass';
const register = (cloud: CloudChild, email: string) => call(cloud, 'POST', '/v1/auth/register', { name: email.split('@')[0], email, password: PASSWORD, locale: 'en' });
/** A signed-in account's bearer header. */
async function login(cloud: CloudChild, email: string): Promise<{ authorization: string }> {
  const { accessToken } = await call<{ accessToken: string }>(cloud, 'POST', '/v1/auth/login', { login: email, password: PASSWORD });
  return { authorization: `Bearer ${accessToken}` };
}

describe('a paired edge with trusted release keys', () => {
  it('learns its target from the cloud, downloads through a signed URL, and updates its node by itself', async () => {
    const bucket = await createTestBucket();
    cleanups.push(() => bucket.close());
    const key = makeReleaseKey();
    // The cloud child reads its bucket and release keys from the environment, as in production.
    const saved = { ...process.env };
    Object.assign(process.env, { STORAGE_ENDPOINT: inject('services').S3_URL, STORAGE_BUCKET: bucket.name, STORAGE_KEY: 'S3RVER', STORAGE_SECRET: 'S3RVER', FIRMWARE_RELEASE_KEYS: key.publicKey });
    let cloud: CloudChild;
    try {
      cloud = await startCloudChild();
    } finally {
      for (const name of STORAGE_VARIABLES) if (saved[name] === undefined) delete process.env[name];
    }
    cleanups.push(() => cloud.close());
    await register(cloud, 'owner@paired-rollout.test');
    const owner = await login(cloud, 'owner@paired-rollout.test');
    const farmId = (await call<{ farm: { id: string } }>(cloud, 'POST', '/v1/farms', { name: 'Paired rollout farm', timeZone: ZONE }, owner)).farm.id;
    // Platform admin is set in the database by an operator; no route grants it.
    const adminEmail = 'admin@paired-rollout.test';
    await register(cloud, adminEmail);
    await cloud.pool.query('UPDATE app_user SET is_admin = true WHERE email = $1', [adminEmail]);
    const admin = await login(cloud, adminEmail);

    const temp = makeTempDir('tokkatot-fw-paired-');
    cleanups.push(temp.remove);
    const edge = createEdge({ config: testConfig(temp.dir, { farm: { timezone: ZONE }, firmware: { releaseKeys: [key.publicKey] } }), clock: systemClock });
    await edge.start();
    cleanups.push(() => edge.stop());
    const link = new CloudLink(edge, { url: cloud.url, periodicSyncMs: 200, pairingPollMs: 50, configImportMs: 200, readingsIntervalMs: 60_000 });
    link.start();
    cleanups.push(() => link.stop());
    // Unpaired: no target, whatever the cloud holds.
    expect(link.firmwareTarget()).toBeUndefined();
    const { claimCode } = (await link.claim('Barn Pi')) as { claimCode: string };
    await call(cloud, 'POST', '/v1/pairing/claim', { claimCode }, { ...owner, 'x-tokkatot-farm': farmId });
    await vi.waitFor(() => expect(link.pairingState()).toMatchObject({ state: 'paired', farmId }), { timeout: 10_000, interval: 50 });

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

    // Published to the bucket (image, then its signed entry in versions.json), imported, rolled
    // out to the whole stable channel, and the farm's window opened around its present.
    const bytes = makeSimImage(NEW_VERSION, 48 * 1024);
    const release: FirmwareRelease = signRelease(bytes, NEW_VERSION, key);
    await bucket.put(release.objectKey, bytes);
    await bucket.put('firmware/versions.json', Buffer.from(JSON.stringify({ schemaVersion: 1, updatedAt: Date.now(), releases: [release] })));
    const imported = await call<{ added: string[] }>(cloud, 'POST', '/v1/admin/firmware/import', {}, admin);
    expect(imported.added).toEqual([`${NEW_VERSION}/${release.board}`]);
    const channel = await call<{ retargetedFarms: string[] }>(cloud, 'PUT', '/v1/admin/firmware/channels/stable', { version: NEW_VERSION, percent: 100 }, admin);
    expect(channel.retargetedFarms).toEqual([farmId]);
    await call(cloud, 'PUT', `/v1/farms/${farmId}/firmware`, { window: windowAroundNow() }, owner);

    await vi.waitFor(() => expect(devices.getNode(nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, imageConfirmed: true }), { timeout: 60_000, interval: 100 });
    expect(link.firmwareTarget()?.release?.version).toBe(NEW_VERSION);
    const phases = edge.events.query({ types: ['user_action'], afterSeq: 0, limit: 200 }).map((stored) => (stored.event as { detail?: { phase?: string } }).detail?.phase);
    expect(phases).toEqual(expect.arrayContaining(['downloaded', 'rollout_started', 'started', 'verified', 'succeeded']));
  }, 120_000);
});
