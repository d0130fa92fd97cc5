/**
 * The firmware release chain as operators run it, with nothing stood in for: a release key and a
 * simulator image signed and published to a fresh bucket with the release library; the real
 * cloud (its own process, Postgres, the bucket on s3rver) importing the catalogue through the
 * admin route and rolling the release out to 100 % of its channel; the owner opening the farm's
 * update window; and a real edge process, paired through a claim code, with one simulated node
 * on a pseudo-terminal and one on Mosquitto fetching its image from the edge (Wi-Fi pull). Then
 * the refusals: a release signed by a key nobody trusts never enters the catalogue, and one the
 * cloud trusts but the farm does not is refused by the edge before any byte is fetched.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, parseNodeTopic, type DeviceFrame, type FirmwareRelease } from '@tokkatot/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../cloud/test/support/throwaway-database.js';
import { freePort } from '../../cloud/test/support/cloud-process.js';
import { SimulatedCoop } from '../../edge/src/devices/index.js';
import { makeSignedRelease } from '../../scripts/firmware-release/make-manifest.js';
import { publishRelease } from '../../scripts/firmware-release/publish-release.js';
import type { ReleaseBucket } from '../../scripts/firmware-release/release-bucket.js';
import { generateReleaseKey, loadReleaseKey, writePrivateKey, type ReleaseKey } from '../../scripts/firmware-release/release-key.js';
import { call, ensureEdgeOwner, pair, signInToCloud, start as startProcess, stopProcess } from '../../scripts/demo/demo.js';
import { createTestBucket } from '../scripts/firmware-release/support/test-bucket.js';
import { simulatorImage } from '../scripts/firmware-release/support/images.js';
import { requireService, services as testServices } from '../support/services.js';

const BOARD = 'tokkatot-node-esp32';
const FACTORY_VERSION = '1.0.0-sim';
const NEW_VERSION = '1.1.0-sim';
/** Signed with a key no one trusts: the cloud's import refuses it. */
const ROGUE_VERSION = '1.3.0-sim';
/** Signed with the next release key, already trusted by the cloud but not yet by this farm. */
const ROTATED_VERSION = '1.2.0-sim';
const IMAGE_BYTES = 48 * 1024;
/** The edge's own farm id: the farm level of its MQTT topics. */
const EDGE_FARM = 'farm-fw-release';
const SERIAL_NODE = 'coop-sim-1';
/** A broker user of the test services (scripts/test-services.sh). */
const MQTT_NODE = { id: 'node-b', password: 'node-b-test-pass' };
const HEATER = 'heater';

/**
 * A whole-hour zone where it is now 20:xx: outside the default update window (02:00–04:00) and
 * clear of the demo coops' feeder cycle (06:00 to 14:24 with its rests, deferring 20 min ahead).
 */
function eveningZone(now = Date.now()): string {
  let offset = (20 - new Date(now).getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** HH:MM on the zone's clock, `minutes` from now. */
function localTime(zone: string, minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + minutes * 60_000);
}

interface EdgeEvent {
  seq: number;
  type: string;
  summary: string;
  detail?: { phase?: string; version?: string; toVersion?: string; nodeId?: string; mode?: string; cause?: string };
}

interface BrokerMessage {
  nodeId: string;
  type: string;
  frame: DeviceFrame | undefined;
}

/** Every message on a node's topics, both ways, in the order the broker delivered them. */
async function watchBroker(url: string, nodeId: string): Promise<{ client: MqttClient; messages: BrokerMessage[] }> {
  const messages: BrokerMessage[] = [];
  const client = mqtt.connect(url, { protocolVersion: 5, username: 'edge', password: 'edge-test-pass', clientId: `fw-release-watch-${process.pid}`, clean: true });
  client.on('message', (topic, payload) => {
    const parsed = parseNodeTopic(topic);
    if (!parsed || parsed.kind !== 'message') return;
    const decoded = decodeFrame(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    messages.push({ nodeId: parsed.nodeId, type: parsed.type, frame: decoded.ok ? decoded.frame : undefined });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => client.subscribe(`tokkatot/${EDGE_FARM}/node/${nodeId}/#`, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
    client.once('error', reject);
  });
  return { client, messages };
}

let work: string;
let database: ThrowawayDatabase;
let bucket: ReleaseBucket;
let bucketEnv: NodeJS.ProcessEnv;
let trustedKey: ReleaseKey;
/** The next release key: the cloud trusts it already, this farm's edge not yet. */
let nextKey: ReleaseKey;
let rogueKey: ReleaseKey;
let cloudUrl: string;
let edgeUrl: string;
let edgeDataDir: string;
let ownerToken: string;
let adminToken: string;
let farmId: string;
let edgeToken: string;
let zone: string;
let mqttNode: SimulatedCoop;
let broker: Awaited<ReturnType<typeof watchBroker>>;
const children: ChildProcess[] = [];
const log: string[] = [];
/** Process output worth keeping: the HTTP access log of the polling below would drown the rest. */
const keep = (line: string) => {
  if (!/"msg":"(incoming request|request completed)"/.test(line)) log.push(line);
};
const releases: Record<string, FirmwareRelease> = {};

const owner = { email: 'owner@release.tokkatot.test', password: 'release-owner-pass' };
const admin = { email: 'admin@release.tokkatot.test', password: 'release-admin-pass' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs a simulator image of `version` with `key` and publishes it as publish.ts does, trusting `publisherKeys`. */
async function release(version: string, key: ReleaseKey, publisherKeys: readonly string[]): Promise<FirmwareRelease> {
  const image = simulatorImage(version, { size: IMAGE_BYTES });
  const { release: signed } = makeSignedRelease(image, { version, board: BOARD, channel: 'stable', minHardwareRevision: 0, notes: `Simulator build ${version}.` }, key, Date.now(), true);
  const published = await publishRelease(bucket, JSON.parse(JSON.stringify(signed)), image, publisherKeys);
  expect(published.outcome).toBe('published');
  releases[version] = published.release;
  return published.release;
}

/** The edge's event log as the owner reads it in the LAN app, oldest first, firmware events only. */
async function firmwareEvents(): Promise<EdgeEvent[]> {
  const { events } = await call<{ events: EdgeEvent[] }>('GET', `${edgeUrl}/api/events?type=user_action,node_fault&limit=1000`, undefined, bearer(edgeToken));
  return events.filter((event) => (event.detail?.version ?? event.detail?.toVersion) !== undefined).sort((a, b) => a.seq - b.seq);
}

async function edgeNodes(): Promise<Array<{ id: string; coopId: string | null; online: boolean; firmwareVersion: string }>> {
  return (await call<{ nodes: Array<{ id: string; coopId: string | null; online: boolean; firmwareVersion: string }> }>('GET', `${edgeUrl}/api/nodes`, undefined, bearer(edgeToken))).nodes;
}

const versions = async () => Object.fromEntries((await edgeNodes()).map((node) => [node.id, node.firmwareVersion]));
const serialJournal = () => {
  const path = join(edgeDataDir, 'simulated-coops', `${SERIAL_NODE}.journal`);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tokkatot-fw-release-'));
  zone = eveningZone();

  // The operator's side: release keys as keygen.ts writes them, and the firmware bucket.
  trustedKey = generateReleaseKey();
  writePrivateKey(join(work, 'release-2026.pem'), trustedKey);
  trustedKey = loadReleaseKey(join(work, 'release-2026.pem'));
  nextKey = generateReleaseKey();
  rogueKey = generateReleaseKey();
  const created = await createTestBucket();
  bucket = created.bucket;
  bucketEnv = created.env;

  // The cloud, as deployed: Postgres, the bucket, the release keys it trusts.
  const services = { pg: requireService('postgres'), mqtt: requireService('mqtt') };
  database = await createThrowawayDatabase(testServices().PG_ADMIN_URL ?? services.pg, 2);
  const cloudPort = await freePort();
  cloudUrl = `http://127.0.0.1:${cloudPort}`;
  children.push(
    await startProcess(
      'cloud',
      ['--import', 'tsx', 'cloud/src/main.ts'],
      {
        PORT: String(cloudPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        JWT_SECRET: 'firmware-release-end-to-end-secret',
        STORAGE_ENDPOINT: bucketEnv.S3_ENDPOINT!,
        STORAGE_BUCKET: bucketEnv.S3_BUCKET!,
        STORAGE_KEY: bucketEnv.S3_ACCESS_KEY_ID!,
        STORAGE_SECRET: bucketEnv.S3_SECRET_ACCESS_KEY!,
        FIRMWARE_RELEASE_KEYS: `${trustedKey.publicKey},${nextKey.publicKey}`,
      },
      /cloud listening on/,
      keep,
    ),
  );
  ownerToken = await signInToCloud(cloudUrl, owner);
  farmId = (await call<{ farm: { id: string } }>('POST', `${cloudUrl}/v1/farms`, { name: 'Release farm', timeZone: zone }, bearer(ownerToken))).farm.id;
  // No route grants platform admin: an operator sets it in the database.
  await signInToCloud(cloudUrl, admin);
  await database.pool.query('UPDATE app_user SET is_admin = true WHERE email = $1', [admin.email]);
  adminToken = await signInToCloud(cloudUrl, admin);

  // The farm: an edge trusting this year's release key, one coop on its serial line (the
  // simulator it starts itself) and one on the farm's broker, fetching images from the Pi.
  edgeDataDir = join(work, 'edge');
  mkdirSync(edgeDataDir);
  const edgePort = await freePort();
  edgeUrl = `http://127.0.0.1:${edgePort}`;
  writeFileSync(join(work, 'mqtt-password'), 'edge-test-pass\n', { mode: 0o600 });
  const configFile = join(edgeDataDir, 'tokkatot.json');
  const config = {
    farm: { id: EDGE_FARM, name: 'Release farm', timezone: zone },
    cloud: { url: cloudUrl },
    devices: { simulatedCoops: 1, mqtt: { url: services.mqtt, username: 'edge', passwordFile: join(work, 'mqtt-password') } },
    firmware: { releaseKeys: [trustedKey.publicKey], healthTimeoutS: 30, checkIntervalSeconds: 1, imageServer: { host: '127.0.0.1', port: await freePort() } },
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const edgeEnv = { TOKKATOT_DATA_DIR: edgeDataDir, TOKKATOT_CONFIG: configFile, TOKKATOT_HOST: '127.0.0.1', TOKKATOT_PORT: String(edgePort), TOKKATOT_LOG_LEVEL: 'info' };
  children.push(await startProcess('edge', ['--import', 'tsx', 'edge/src/main.ts'], edgeEnv, /listening on/, keep));
  broker = await watchBroker(services.mqtt, MQTT_NODE.id);
  mqttNode = new SimulatedCoop({
    nodeId: MQTT_NODE.id,
    dataDir: join(work, 'mqtt-node'),
    extraArgs: ['--mqtt', services.mqtt, '--farm-id', EDGE_FARM, '--password', MQTT_NODE.password],
  });
  await mqttNode.start();
  await ensureEdgeOwner(edgeUrl, owner);
  edgeToken = (await call<{ accessToken: string }>('POST', `${edgeUrl}/api/auth/login`, { username: 'owner', password: owner.password })).accessToken;
  await pair({ ...edgeEnv, TOKKATOT_CLOUD_URL: cloudUrl }, 'Release farm Pi', cloudUrl, ownerToken, farmId, keep);
  // Both nodes said hello and were laid out in a coop of their own.
  await vi.waitFor(
    async () => expect((await edgeNodes()).filter((node) => node.coopId !== null && node.online).map((node) => node.id).sort()).toEqual([SERIAL_NODE, MQTT_NODE.id]),
    { timeout: 30_000, interval: 250 },
  );
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  // What the cloud and the edge said, and the farm's firmware log, to tell a failure's cause from its symptom.
  const events = await firmwareEvents().catch((error: unknown) => [String(error)]);
  process.stderr.write(`--- cloud and edge output (last 150 lines) ---\n${log.slice(-150).join('\n')}\n--- firmware events ---\n${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
});

afterAll(async () => {
  broker?.client.end(true);
  await mqttNode?.kill('SIGTERM');
  // The edge first (it stops its own simulator), then the cloud.
  for (const child of children.reverse()) await stopProcess(child);
  bucket?.destroy();
  await database?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('a firmware release, from the release key to the coops', () => {
  it('publishes signed releases to the bucket; the cloud imports the trusted one and refuses the one signed by an unknown key', async () => {
    await release(NEW_VERSION, trustedKey, [trustedKey.publicKey]);
    // Someone with write access to the bucket and a key of their own: publish.ts is told to trust it.
    const rogue = await release(ROGUE_VERSION, rogueKey, [rogueKey.publicKey]);

    const report = await call<{ added: string[]; refused: Array<{ version: string; reason: string }> }>('POST', `${cloudUrl}/v1/admin/firmware/import`, {}, bearer(adminToken));
    expect(report.added).toEqual([`${NEW_VERSION}/${BOARD}`]);
    expect(report.refused).toEqual([expect.objectContaining({ version: ROGUE_VERSION, board: BOARD, reason: expect.stringContaining(rogue.signature.keyId) })]);
    expect(report.refused[0]!.reason).toMatch(/does not trust/);
    const catalogue = await call<FirmwareRelease[]>('GET', `${cloudUrl}/v1/firmware/releases`, undefined, bearer(ownerToken));
    expect(catalogue.map((entry) => entry.version)).toEqual([NEW_VERSION]);
    // Not in the catalogue, so it cannot be rolled out either.
    const refused = await fetch(`${cloudUrl}/v1/admin/firmware/channels/stable`, { method: 'PUT', headers: { 'content-type': 'application/json', ...bearer(adminToken) }, body: JSON.stringify({ version: ROGUE_VERSION, percent: 100 }) });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('rolled out to 100 %, the paired edge downloads the release at once but updates nothing outside the farm window', async () => {
    const rollout = await call<{ rollout: { version: string; percent: number }; retargetedFarms: string[] }>(
      'PUT',
      `${cloudUrl}/v1/admin/firmware/channels/stable`,
      { version: NEW_VERSION, percent: 100 },
      bearer(adminToken),
    );
    expect(rollout.rollout).toMatchObject({ version: NEW_VERSION, percent: 100 });
    expect(rollout.retargetedFarms).toEqual([farmId]);
    // Learned through sync, fetched through the cloud's signed URL, checked against the farm's key.
    await expect.poll(async () => (await firmwareEvents()).filter((e) => e.detail?.phase === 'downloaded').map((e) => e.detail?.version), { timeout: 20_000, interval: 250 }).toEqual([NEW_VERSION]);
    expect(readdirSync(join(edgeDataDir, 'firmware-cache'))).toEqual([`${releases[NEW_VERSION]!.sha256}.bin`]);
    // 20:xx on the farm, the default window is 02:00–04:00: a few checks later, still nothing sent.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await firmwareEvents()).map((e) => e.detail?.phase)).toEqual(['downloaded']);
    expect(await versions()).toEqual({ [SERIAL_NODE]: FACTORY_VERSION, [MQTT_NODE.id]: FACTORY_VERSION });
    expect(broker.messages.filter((m) => m.type.startsWith('update'))).toEqual([]);
  });

  it('once the owner opens the window, both nodes take the release one at a time, outputs held fail-safe', async () => {
    const window = { start: localTime(zone, -10), end: localTime(zone, 50) };
    const settings = await call<{ settings: { window: { start: string; end: string } }; target: { release: FirmwareRelease } | null }>(
      'PUT',
      `${cloudUrl}/v1/farms/${farmId}/firmware`,
      { window },
      bearer(ownerToken),
    );
    expect(settings.settings.window).toEqual(window);
    expect(settings.target?.release.version).toBe(NEW_VERSION);

    await expect.poll(versions, { timeout: 60_000, interval: 250 }).toEqual({ [SERIAL_NODE]: NEW_VERSION, [MQTT_NODE.id]: NEW_VERSION });
    await expect.poll(async () => (await firmwareEvents()).some((e) => e.detail?.phase === 'rollout_finished'), { timeout: 10_000, interval: 250 }).toBe(true);

    // The farm's log tells the story, one node after the other (id order), each by its own path.
    const events = await firmwareEvents();
    const steps = events.filter((e) => ['started', 'verified', 'succeeded'].includes(e.detail?.phase ?? '')).map((e) => `${e.detail?.nodeId}:${e.detail?.phase}:${e.detail?.mode ?? ''}`);
    expect(steps).toEqual([
      `${SERIAL_NODE}:started:push`,
      `${SERIAL_NODE}:verified:push`,
      `${SERIAL_NODE}:succeeded:`,
      `${MQTT_NODE.id}:started:pull`,
      `${MQTT_NODE.id}:verified:pull`,
      `${MQTT_NODE.id}:succeeded:`,
    ]);
    expect(events.map((e) => e.detail?.phase)).toEqual(['downloaded', 'rollout_started', 'started', 'verified', 'succeeded', 'started', 'verified', 'succeeded', 'rollout_finished']);
    expect(events.every((e) => e.type === 'user_action')).toBe(true);

    // The serial node: switched to the new slot, booted it, confirmed it, and executed no command in between.
    const journal = serialJournal();
    const switched = journal.findIndex((line) => line.startsWith(`switch to=b version=${NEW_VERSION}`));
    const confirmed = journal.findIndex((line) => line.startsWith('confirm slot=b'));
    expect(switched).toBeGreaterThanOrEqual(0);
    expect(confirmed).toBeGreaterThan(switched);
    expect(journal.slice(switched, confirmed).some((line) => line.startsWith('boot ') && line.endsWith(`version=${NEW_VERSION}`))).toBe(true);
    expect(journal.slice(switched, confirmed).filter((line) => line.startsWith('executed'))).toEqual([]);
    // Confirmed, it takes commands again: the edge re-applies what its coop wants.
    await expect.poll(() => serialJournal().slice(confirmed).some((line) => line.startsWith('executed')), { timeout: 10_000, interval: 250 }).toBe(true);

    // The MQTT node: told to fetch (never sent chunks), and every state it reported from the start
    // of the transfer until it confirmed the new image shows its outputs in their fail-safe states.
    const sent = broker.messages.map((m) => m.type);
    expect(sent).toContain('updateFetch');
    expect(sent).not.toContain('updateChunk');
    const { outputs } = await call<{ outputs: Array<{ nodeId: string; channel: number; kind: string; failSafeState: 'on' | 'off' }> }>('GET', `${edgeUrl}/api/outputs`, undefined, bearer(edgeToken));
    const failSafe = new Map(outputs.filter((o) => o.nodeId === MQTT_NODE.id).map((o) => [o.channel, o]));
    const from = broker.messages.findIndex((m) => m.frame?.message.type === 'state' && m.frame.message.updating);
    const until = broker.messages.findIndex(
      (m, i) => i > from && (m.frame?.message.type === 'hello' || m.frame?.message.type === 'heartbeat') && m.frame.message.firmwareVersion === NEW_VERSION && m.frame.message.imageConfirmed,
    );
    expect(from).toBeGreaterThanOrEqual(0);
    expect(until).toBeGreaterThan(from);
    const reports = broker.messages.slice(from, until).flatMap((m) => (m.frame?.message.type === 'state' ? [m.frame.message] : []));
    expect(reports.length).toBeGreaterThan(1);
    for (const report of reports) {
      for (const output of report.outputs) {
        const configured = failSafe.get(output.channel);
        expect(configured, `output ${output.channel} is in the edge's registry`).toBeDefined();
        if (output.reason === 'boot') expect(output.state, `output ${output.channel} after a boot`).toBe('off');
        else expect(output, `output ${output.channel} (${configured!.kind})`).toMatchObject({ reason: 'fail_safe', state: configured!.failSafeState });
        if (configured!.kind === HEATER) expect(output.state).toBe('off');
      }
    }

    // The owner sees it in the cloud too, from the nodes the edge replicates.
    await expect
      .poll(async () => (await call<{ nodes: Array<{ id: string; upToDate: boolean }> }>('GET', `${cloudUrl}/v1/farms/${farmId}/firmware`, undefined, bearer(ownerToken))).nodes.map((n) => `${n.id}:${n.upToDate}`).sort(), {
        timeout: 20_000,
        interval: 500,
      })
      .toEqual([`${SERIAL_NODE}:true`, `${MQTT_NODE.id}:true`]);
  });

  it('a release signed with a key the cloud trusts but this farm does not yet is refused by the edge before any download; no node changes', async () => {
    const rotated = await release(ROTATED_VERSION, nextKey, [trustedKey.publicKey, nextKey.publicKey]);
    const report = await call<{ added: string[]; refused: unknown[] }>('POST', `${cloudUrl}/v1/admin/firmware/import`, {}, bearer(adminToken));
    expect(report.added).toEqual([`${ROTATED_VERSION}/${BOARD}`]);
    const journalBefore = serialJournal();
    const heardBefore = broker.messages.length;
    await call('PUT', `${cloudUrl}/v1/admin/firmware/channels/stable`, { version: ROTATED_VERSION, percent: 100 }, bearer(adminToken));

    await expect.poll(async () => (await firmwareEvents()).filter((e) => e.detail?.version === ROTATED_VERSION).map((e) => `${e.type}:${e.detail?.phase}`), { timeout: 20_000, interval: 250 }).toEqual([
      'node_fault:release_refused',
    ]);
    const refusal = (await firmwareEvents()).find((e) => e.detail?.phase === 'release_refused')!;
    expect(refusal.summary).toContain(rotated.signature.keyId);
    expect(refusal.summary).toMatch(/not one this farm trusts/);
    // Further checks do not retry it (the halt is kept), nothing was fetched, no node heard of it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await firmwareEvents()).filter((e) => e.detail?.version === ROTATED_VERSION)).toHaveLength(1);
    expect(readdirSync(join(edgeDataDir, 'firmware-cache'))).toEqual([`${releases[NEW_VERSION]!.sha256}.bin`]);
    expect(await versions()).toEqual({ [SERIAL_NODE]: NEW_VERSION, [MQTT_NODE.id]: NEW_VERSION });
    expect(serialJournal().slice(journalBefore.length).filter((line) => !line.startsWith('executed'))).toEqual([]);
    expect(broker.messages.slice(heardBefore).filter((m) => m.type.startsWith('update'))).toEqual([]);
  });
});
