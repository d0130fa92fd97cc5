import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPDATE_WINDOW, type FirmwareRelease, type FirmwareTarget, type Schedule } from '@tokkatot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { readFirmwareTarget } from '../../src/cloud-link/index.js';
import { EdgeConfigSchema } from '../../src/config/index.js';
import { EMPTY_DOCUMENTS, saveAutomationDocuments } from '../../src/control/automation-documents.js';
import { addDemoCoop } from '../../src/control/demo-farm.js';
import { toNodeHello } from '../../src/control/device-bridge.js';
import { SqliteForkStore, SqliteOutbox } from '../../src/db/sync/index.js';
import type { DeviceManager, SimulatedCoop } from '../../src/devices/index.js';
import { createEdge, type Edge } from '../../src/edge.js';
import { createFirmwareAutoUpdate, FirmwareImageServer, type FirmwareAutoUpdater, type ImageRequestRecord } from '../../src/firmware-update/index.js';
import { makeTempDir } from '../devices/support.js';
import { startCutProxy } from './support/cut-proxy.js';
import { makeReleaseKey, makeSimImage, signRelease, type ReleaseKey } from './support/releases.js';
import { createTestBucket, type TestBucket } from './support/s3-bucket.js';
import { runCleanups, startRig, watchOutputs, type Rig, type TransportKind } from './support/update-rig.js';

// The edge's own rollout end to end: a firmware_targets document lands in the fork store (as a
// pull would put it), the image comes from the real object store through a signed URL, and the
// simulated coop (tokkatot-sim) takes it — or does not — depending on the farm's update window,
// its feeder schedule and the release's signature. The key cases run over each way a node is
// reached: its pseudo-terminal, MQTT with the image pushed as chunks through the broker, and
// MQTT with the node pulling the image from the edge's image server (Wi-Fi pull).
const FACTORY_VERSION = '1.0.0-sim';
const NEW_VERSION = '1.1.0-sim';
const IMAGE_BYTES = 48 * 1024;
const CLOUD_FARM = 'cloud-farm-1';
const ZONE = 'Asia/Phnom_Penh'; // UTC+7, no daylight saving
/** 02:30 and 12:00 on the farm's clock (19:30 and 05:00 UTC). */
const INSIDE_WINDOW = Date.UTC(2026, 10, 26, 19, 30);
const OUTSIDE_WINDOW = Date.UTC(2026, 10, 27, 5, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Then the rig's: the device manager and the simulator outlive the rollout that drives them.
  await runCleanups();
});

/** How the node is reached, and how its image travels. */
interface Transport {
  name: string;
  kind: TransportKind;
  /** The edge runs an image server and MQTT nodes fetch from it (firmware.imageServer). */
  pull: boolean;
}
const SERIAL: Transport = { name: 'a pseudo-terminal', kind: 'serial', pull: false };
const TRANSPORTS: Transport[] = [
  SERIAL,
  { name: 'MQTT, image pushed through the broker', kind: 'mqtt', pull: false },
  { name: 'MQTT, image pulled from the edge (Wi-Fi pull)', kind: 'mqtt', pull: true },
];

interface Farm {
  edge: Edge;
  clock: ManualClock;
  rig: Rig;
  coop: SimulatedCoop;
  manager: DeviceManager;
  nodeId: string;
  docs: SqliteForkStore;
  bucket: TestBucket;
  key: ReleaseKey;
  urlsAsked: string[];
  auto: FirmwareAutoUpdater;
  feederId: string;
  /** What the cloud's rollout would write: the target document, pulled into the fork store. */
  pullTarget(release: FirmwareRelease | null, patch?: Partial<FirmwareTarget>): void;
  /** Publishes an image to the bucket under its release's object key. */
  publish(bytes: Uint8Array, release: FirmwareRelease): Promise<void>;
  eventsOf(phase?: string): { type: string; summary: string; detail: Record<string, unknown> }[];
  runningVersion(): string | undefined;
  statuses: unknown[];
  /** A new rollout over the same edge and data folder, as after a restart. */
  restartRollout(): FirmwareAutoUpdater;
  /** Requests the image server answered (Wi-Fi pull only). */
  imageRequests: ImageRequestRecord[];
}

async function startFarm(transport: Transport = SERIAL): Promise<Farm> {
  const temp = makeTempDir('tokkatot-fw-auto-');
  cleanups.push(temp.remove);
  const clock = new ManualClock(OUTSIDE_WINDOW);
  const key = makeReleaseKey();
  const config = EdgeConfigSchema.parse({ dataDir: temp.dir, farm: { timezone: ZONE }, firmware: { releaseKeys: [key.publicKey] } });
  const edge = createEdge({ config, clock });
  await edge.start();
  cleanups.push(() => edge.stop());

  const rig = await startRig(transport.kind);
  const { coop, manager, nodeId } = rig;
  const statuses: unknown[] = [];
  manager.on('updateStatusReported', (e) => statuses.push(e.status));
  // What the device bridge does on a hello, then the coop laid out with the node assigned to it.
  const hello = manager.getNode(nodeId)!.hello;
  edge.registry.recordHello(toNodeHello(hello, transport.kind));
  addDemoCoop(edge, hello, 1, EMPTY_DOCUMENTS);
  const feederId = edge.registry.listOutputs({ coopId: 'coop-1' }).find((output) => output.kind === 'feeder')!.id;
  saveAutomationDocuments(edge.repositories.meta, { ...EMPTY_DOCUMENTS });
  const imageRequests: ImageRequestRecord[] = [];
  let imageServer: FirmwareImageServer | undefined;
  if (transport.pull) {
    imageServer = new FirmwareImageServer({ host: '127.0.0.1', port: 0 });
    await imageServer.start();
    cleanups.push(() => imageServer!.stop());
    imageServer.on('request', (request) => imageRequests.push(request));
  }

  const docs = new SqliteForkStore(edge.database.db, new SqliteOutbox(edge.database.db), () => clock.now());
  const bucket = await createTestBucket();
  cleanups.push(() => bucket.close());
  const proxy = await startCutProxy();
  cleanups.push(() => proxy.close());
  const urlsAsked: string[] = [];
  let seq = 0;
  const createRollout = () => createFirmwareAutoUpdate({
    edge,
    devices: manager,
    cloud: {
      firmwareTarget: () => readFirmwareTarget(docs, CLOUD_FARM),
      // The cloud's download-url route: the release as the catalogue has it, and a 15-minute GET.
      firmwareDownloadUrl: async ({ version }) => {
        urlsAsked.push(version);
        const release = readFirmwareTarget(docs, CLOUD_FARM)!.release!;
        return { url: proxy.via(await bucket.presign(release.objectKey, 900)), expiresAt: clock.now() + 900_000, release };
      },
    },
    log: () => undefined,
    // As main.ts wires firmware.imageServer: nodes on MQTT pull, serial ones are pushed.
    updater: { healthTimeoutS: 3, statusTimeoutMs: 500, reconnectTimeoutMs: 20_000, ...(imageServer ? { imageServer, pullFor: 'mqtt' as const } : {}) },
    retryDelayMs: 20,
  })!;
  const auto = createRollout();
  cleanups.push(async () => void (await auto.stop()));
  return {
    edge,
    clock,
    rig,
    coop,
    manager,
    nodeId,
    docs,
    bucket,
    key,
    urlsAsked,
    auto,
    feederId,
    pullTarget(release, patch = {}) {
      const doc = { id: CLOUD_FARM, farmId: CLOUD_FARM, hlc: edge.hlc.tick(), updatedAt: clock.now(), channel: 'stable', release, window: DEFAULT_UPDATE_WINDOW, paused: false, ...patch };
      seq += 1;
      docs.applyPull('firmware_targets', [{ ...doc, _deleted: false }], { seq, id: CLOUD_FARM });
    },
    publish: (bytes, release) => bucket.put(release.objectKey, bytes),
    eventsOf(phase) {
      return edge.events
        .query({ types: ['user_action', 'node_fault'], afterSeq: 0, limit: 500 })
        .map((stored) => stored.event as unknown as { type: string; summary: string; detail: Record<string, unknown> })
        .filter((event) => (event.detail?.version ?? event.detail?.toVersion) !== undefined && (phase === undefined || event.detail.phase === phase));
    },
    runningVersion: () => manager.getNode(nodeId)?.hello.firmwareVersion,
    statuses,
    restartRollout: createRollout,
    imageRequests,
  };
}

async function publishRelease(farm: Farm, version: string, options: { neverHealthy?: boolean; key?: ReleaseKey } = {}): Promise<FirmwareRelease> {
  const bytes = makeSimImage(version, IMAGE_BYTES, options);
  const release = signRelease(bytes, version, options.key ?? farm.key);
  await farm.publish(bytes, release);
  return release;
}

/** Every update status the node sent: none means it never heard of an update. */
const updateStatuses = (farm: Farm) => farm.statuses;
const cachedImages = (farm: Farm) => readdirSync(join(farm.edge.config.dataDir, 'firmware-cache'));

describe('automatic firmware rollout on the edge', () => {
  it('defers a node while a feeder of its coop is in a cycle, and updates it once the cycle is over', async () => {
    const farm = await startFarm();
    // A feeder cycle 02:20–02:50 on the farm's clock: two runs of 10 min with a 10 min rest.
    const cycle: Schedule = {
      id: 'sched-feed-night',
      farmId: farm.edge.registry.farm().id,
      hlc: farm.edge.hlc.tick(),
      updatedAt: farm.clock.now(),
      coopId: 'coop-1',
      outputId: farm.feederId,
      name: 'Night feed',
      enabled: true,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      type: 'cycle',
      startTime: '02:20',
      runSeconds: 600,
      offSeconds: 600,
      repeat: 2,
    };
    saveAutomationDocuments(farm.edge.repositories.meta, { ...EMPTY_DOCUMENTS, schedules: [cycle] });
    farm.pullTarget(await publishRelease(farm, NEW_VERSION));

    // 02:35: the rest between the two runs still counts as the cycle.
    farm.clock.set(INSIDE_WINDOW + 5 * 60_000);
    const deferred = await farm.auto.tick();
    expect(deferred).toMatchObject({ status: 'ran', results: [], deferred: [farm.nodeId] });
    expect(farm.eventsOf('deferred')[0]?.summary).toMatch(/feeder .* between runs of a cycle/);
    expect(updateStatuses(farm)).toEqual([]);
    expect(farm.runningVersion()).toBe(FACTORY_VERSION);
    // Asked again during the cycle: still deferred, and the log is not repeated.
    expect(await farm.auto.tick()).toMatchObject({ deferred: [farm.nodeId] });
    expect(farm.eventsOf('deferred')).toHaveLength(1);

    // 03:00: the cycle ended at 02:50 and the next starts tomorrow.
    farm.clock.set(INSIDE_WINDOW + 30 * 60_000);
    expect(await farm.auto.tick()).toMatchObject({ status: 'ran', results: [{ status: 'updated' }], deferred: [] });
    expect(farm.runningVersion()).toBe(NEW_VERSION);
  }, 90_000);

  it('deletes an image whose bytes do not match the signed release, and does not fetch it again for that target', async () => {
    const farm = await startFarm();
    farm.clock.set(INSIDE_WINDOW);
    const bytes = makeSimImage(NEW_VERSION, IMAGE_BYTES);
    const release = signRelease(bytes, NEW_VERSION, farm.key);
    const rotten = bytes.slice();
    rotten[1000] = (rotten[1000] as number) ^ 0x10;
    await farm.publish(rotten, release);
    farm.pullTarget(release);
    expect(await farm.auto.tick()).toMatchObject({ status: 'halted', reason: expect.stringMatching(/hashes to/) });
    expect(farm.eventsOf('image_refused')).toMatchObject([{ type: 'node_fault' }]);
    expect(cachedImages(farm)).toEqual([]);
    expect(updateStatuses(farm)).toEqual([]);
    expect(await farm.auto.tick()).toMatchObject({ status: 'halted' });
    expect(farm.urlsAsked).toEqual([NEW_VERSION]);
  }, 60_000);

  it('holds everything while the target is paused, and goes ahead once it is not', async () => {
    const farm = await startFarm();
    farm.clock.set(INSIDE_WINDOW);
    const release = await publishRelease(farm, NEW_VERSION);
    farm.pullTarget(release, { paused: true });
    expect(await farm.auto.tick()).toEqual({ status: 'paused' });
    expect(farm.urlsAsked).toEqual([]);
    expect(updateStatuses(farm)).toEqual([]);
    farm.pullTarget(release, { paused: false });
    expect(await farm.auto.tick()).toMatchObject({ status: 'ran', results: [{ status: 'updated' }] });
  }, 60_000);

  it('skips a node whose hardware is older than the release needs, with the reason recorded', async () => {
    const farm = await startFarm();
    farm.clock.set(INSIDE_WINDOW);
    const bytes = makeSimImage(NEW_VERSION, IMAGE_BYTES);
    const release = signRelease(bytes, NEW_VERSION, farm.key, { minHardwareRevision: 9 });
    await farm.publish(bytes, release);
    farm.pullTarget(release);
    expect(await farm.auto.tick()).toEqual({ status: 'up_to_date' });
    expect(farm.eventsOf('skipped')[0]?.summary).toMatch(/hardware revision 1 is below the release's minimum 9/);
    expect(farm.urlsAsked).toEqual([]);
    expect(updateStatuses(farm)).toEqual([]);
  }, 60_000);
});

describe.each(TRANSPORTS)('automatic firmware rollout to a node over $name', (transport) => {
  it('does nothing without a target; with one, downloads at once but updates the node only inside the window', async () => {
    const farm = await startFarm(transport);
    expect(await farm.auto.tick()).toEqual({ status: 'no_target' });

    const release = await publishRelease(farm, NEW_VERSION);
    farm.pullTarget(release);
    // 12:00 on the farm: the image is fetched and checked, the node hears nothing.
    expect(await farm.auto.tick()).toEqual({ status: 'outside_window' });
    expect(farm.urlsAsked).toEqual([NEW_VERSION]);
    expect(farm.eventsOf('downloaded')).toHaveLength(1);
    expect(farm.runningVersion()).toBe(FACTORY_VERSION);
    expect(farm.manager.getNode(farm.nodeId)?.state?.updating).toBe(false);
    expect(updateStatuses(farm)).toEqual([]);

    // 02:30 on the farm: the node is updated, from the cached image (no second download), its
    // outputs held in their fail-safe states from the first byte to the confirmation.
    farm.clock.set(INSIDE_WINDOW);
    const outputs = watchOutputs(farm.rig);
    const tick = await farm.auto.tick();
    outputs.stop();
    expect(tick).toMatchObject({ status: 'ran', results: [{ status: 'updated', nodeId: farm.nodeId, version: NEW_VERSION, mode: transport.pull ? 'pull' : 'push' }], deferred: [] });
    outputs.assertFailSafe();
    if (transport.pull) {
      // The node fetched the cached image from the edge in one ranged GET, nothing through the broker.
      expect(farm.imageRequests.filter((r) => r.method === 'GET')).toMatchObject([{ path: `/firmware/${release.sha256}.bin`, range: `bytes=0-${IMAGE_BYTES - 1}`, status: 206, bytes: IMAGE_BYTES }]);
    }
    expect(farm.runningVersion()).toBe(NEW_VERSION);
    expect(farm.manager.getNode(farm.nodeId)?.hello.imageConfirmed).toBe(true);
    expect(farm.urlsAsked).toHaveLength(1);
    expect(farm.eventsOf().map((e) => e.detail.phase)).toEqual(['downloaded', 'rollout_started', 'started', 'verified', 'succeeded']);

    expect(await farm.auto.tick()).toEqual({ status: 'up_to_date' });
    expect(farm.eventsOf('rollout_finished')).toHaveLength(1);

    // The next release: while it rolls out the running image stays cached; once every node runs
    // the new one, only the new one is kept.
    const next = await publishRelease(farm, '1.1.1-sim');
    farm.pullTarget(next);
    farm.clock.set(OUTSIDE_WINDOW + 86_400_000);
    expect(await farm.auto.tick()).toEqual({ status: 'outside_window' });
    expect(cachedImages(farm).sort()).toEqual([`${release.sha256}.bin`, `${next.sha256}.bin`].sort());
    farm.clock.set(INSIDE_WINDOW + 86_400_000);
    expect(await farm.auto.tick()).toMatchObject({ status: 'ran', results: [{ status: 'updated', version: '1.1.1-sim' }] });
    expect(farm.runningVersion()).toBe('1.1.1-sim');
    expect(cachedImages(farm)).toEqual([`${next.sha256}.bin`]);
  }, 90_000);

  it('never lets a wrongly signed release reach the node, and does not ask for it again until the target changes', async () => {
    const farm = await startFarm(transport);
    farm.clock.set(INSIDE_WINDOW);
    const forged = await publishRelease(farm, NEW_VERSION, { key: makeReleaseKey() });
    farm.pullTarget(forged);
    expect(await farm.auto.tick()).toMatchObject({ status: 'halted', reason: expect.stringMatching(/not one this farm trusts/) });
    expect(farm.urlsAsked).toEqual([]);
    expect(updateStatuses(farm)).toEqual([]);
    expect(farm.runningVersion()).toBe(FACTORY_VERSION);
    expect(farm.eventsOf('release_refused')).toMatchObject([{ type: 'node_fault' }]);
    expect(await farm.auto.tick()).toMatchObject({ status: 'halted' });
    expect(farm.eventsOf('release_refused')).toHaveLength(1);

    // The cloud corrects the target with a properly signed build: the rollout goes ahead.
    farm.pullTarget(await publishRelease(farm, '1.1.1-sim'));
    expect(await farm.auto.tick()).toMatchObject({ status: 'ran', results: [{ status: 'updated', version: '1.1.1-sim' }] });
    expect(farm.runningVersion()).toBe('1.1.1-sim');
    // Only the good release was ever served to the node.
    if (transport.pull) expect(farm.imageRequests.map((r) => r.path)).not.toContain(`/firmware/${forged.sha256}.bin`);
  }, 90_000);

  it('stops the rollout when the node rolls back an image that never became healthy', async () => {
    const farm = await startFarm(transport);
    farm.clock.set(INSIDE_WINDOW);
    farm.pullTarget(await publishRelease(farm, '1.2.0-sim', { neverHealthy: true }));
    const outputs = watchOutputs(farm.rig);
    const tick = await farm.auto.tick();
    outputs.stop();
    expect(tick).toMatchObject({ status: 'ran', results: [{ status: 'rolled_back', runningVersion: FACTORY_VERSION }] });
    outputs.assertFailSafe();
    expect(farm.manager.getNode(farm.nodeId)?.hello.imageConfirmed).toBe(true);
    expect(farm.runningVersion()).toBe(FACTORY_VERSION);
    expect(farm.auto.halted()?.reason).toMatch(/rolled the image back/);
    expect(farm.eventsOf('node_refused')).toMatchObject([{ type: 'node_fault' }]);

    // Still the same target: nothing more is sent to the node, after a restart of the edge too.
    const heard = farm.statuses.length;
    expect(await farm.auto.tick()).toMatchObject({ status: 'halted' });
    expect(await farm.restartRollout().tick()).toMatchObject({ status: 'halted', reason: expect.stringMatching(/rolled the image back/) });
    expect(farm.statuses.length).toBe(heard);
  }, 90_000);
});
