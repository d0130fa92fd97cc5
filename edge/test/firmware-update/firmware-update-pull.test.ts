import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../src/devices/index.js';
import { FirmwareImageServer, parseRangeHeader, type FirmwareUpdateProgress, type ImageRequestRecord } from '../../src/firmware-update/index.js';
import {
  FACTORY_VERSION,
  HEATER,
  NEW_VERSION,
  cutPowerDuringTransfer,
  addCleanup,
  journalKinds,
  makeImage,
  runCleanups,
  slotFile,
  startRig,
  startUpdater,
  watchOutputs,
  type Rig,
} from './support/update-rig.js';

// Wi-Fi pull end to end: the node on MQTT (tokkatot-sim) is told to fetch its image from the
// edge's image server over HTTP with range requests; the rest (verify, commit, confirm,
// rollback) is the push path's. --fetch-rate slows the simulator's fetch like a weak Wi-Fi link,
// so a test can act in the middle of a transfer.
afterEach(runCleanups);

async function startImageServer() {
  const server = new FirmwareImageServer({ host: '127.0.0.1', port: 0 });
  await server.start();
  addCleanup(() => server.stop());
  const requests: ImageRequestRecord[] = [];
  server.on('request', (r) => requests.push(r));
  return { server, requests };
}

async function startPull(rig: Rig, healthTimeoutS = 30) {
  const { server, requests } = await startImageServer();
  const { updater, events } = startUpdater(rig, healthTimeoutS, { imageServer: server });
  return { server, requests, updater, events };
}

describe('firmware update by pull over Wi-Fi (MQTT)', () => {
  it('the node fetches the image from the edge with range requests, reports its offset as it goes, and is updated; outputs held in fail-safe', async () => {
    const rig = await startRig('mqtt', ['--fetch-rate', '32768']);
    const image = makeImage(NEW_VERSION);
    const { server, requests, updater, events } = await startPull(rig);
    const outputs = watchOutputs(rig);
    const progress: FirmwareUpdateProgress[] = [];
    let midTransfer: Promise<CommandOutcome> | null = null;
    updater.on('progress', (p) => {
      progress.push(p);
      if (p.phase === 'transfer' && p.offset >= image.manifest.size / 2 && !midTransfer) {
        midTransfer = rig.manager.setOutput(rig.nodeId, { channel: HEATER, state: 'on' });
      }
    });
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();

    expect(result).toMatchObject({ status: 'updated', version: NEW_VERSION, mode: 'pull', resumedFrom: [], chunksSent: 0 });
    // One GET from the start to the end of the image, answered with exactly those bytes.
    const gets = requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(1);
    expect(gets[0]).toMatchObject({ path: `/firmware/${image.manifest.sha256}.bin`, range: `bytes=0-${image.manifest.size - 1}`, status: 206, bytes: image.manifest.size });
    // The node reported receiving offsets while it fetched, one per 4 KiB sector, rising.
    const offsets = progress.filter((p) => p.phase === 'transfer').map((p) => p.offset);
    expect(offsets.length).toBeGreaterThanOrEqual(4);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    expect(await midTransfer).toMatchObject({ status: 'nacked', error: 'updating' });
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, slot: 'b', imageConfirmed: true });
    expect(journalKinds(rig.coop)).toEqual(expect.arrayContaining(['switch', 'confirm']));
    outputs.assertFailSafe();
    expect(events.map((e) => `${e.type}:${e.detail.phase}:${e.detail.mode ?? ''}`)).toEqual(['user_action:started:pull', 'user_action:verified:pull', 'user_action:succeeded:']);
    // Once the update is over the image is no longer served.
    const after = await fetch(`${server.baseUrl}/firmware/${image.manifest.sha256}.bin`);
    expect(after.status).toBe(404);
  }, 60_000);

  it('bytes rotted after the edge checked them are served as they are, and the node refuses them on its hash', async () => {
    const rig = await startRig('mqtt');
    const image = makeImage(NEW_VERSION);
    const rotted = image.bytes.slice();
    rotted[image.manifest.size - 100] = (rotted[image.manifest.size - 100] as number) ^ 0x40;
    const { requests, updater, events } = await startPull(rig);
    const outputs = watchOutputs(rig);
    const result = await updater.update(rig.nodeId, { manifest: image.manifest, bytes: rotted });
    outputs.stop();

    expect(result).toMatchObject({ status: 'rejected', error: 'hash_mismatch', runningVersion: FACTORY_VERSION });
    expect(requests.some((r) => r.status === 206 && r.bytes > 0)).toBe(true);
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: FACTORY_VERSION, slot: 'a', imageConfirmed: true });
    expect(journalKinds(rig.coop)).not.toContain('switch');
    outputs.assertFailSafe();
    expect(events.at(-1)).toMatchObject({ type: 'node_fault', detail: { phase: 'rejected', cause: 'hash_mismatch' } });
  }, 60_000);

  it('after a power loss (kill -9) in the middle of the fetch, the node resumes with a Range from its persisted offset', async () => {
    const rig = await startRig('mqtt', ['--fetch-rate', '32768']);
    const image = makeImage(NEW_VERSION, { size: 96 * 1024 });
    const { requests, updater } = await startPull(rig);
    const outputs = watchOutputs(rig);
    const cut = cutPowerDuringTransfer(rig, updater, 32 * 1024);
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();
    await cut.back;
    const reachedBeforeCut = cut.confirmed;

    expect(result).toMatchObject({ status: 'updated', mode: 'pull' });
    const resumedFrom = result.status === 'updated' ? result.resumedFrom : [];
    expect(resumedFrom).toHaveLength(1);
    const from = resumedFrom[0] as number;
    // Where its flash said: a multiple of the persist step, at most what it had reported.
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(reachedBeforeCut);
    expect(from % 4096).toBe(0);
    // The server saw the first request from 0, then the resumed one from exactly that offset.
    const ranges = requests.filter((r) => r.method === 'GET').map((r) => r.range);
    expect(ranges[0]).toBe(`bytes=0-${image.manifest.size - 1}`);
    expect(ranges.at(-1)).toBe(`bytes=${from}-${image.manifest.size - 1}`);
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, imageConfirmed: true });
    outputs.assertFailSafe();
  }, 90_000);

  it('a pulled image that never reports healthy is rolled back by the node itself', async () => {
    const rig = await startRig('mqtt');
    const image = makeImage('1.2.0-sim', { neverHealthy: true });
    const { requests, updater, events } = await startPull(rig, 3);
    const outputs = watchOutputs(rig);
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();

    expect(result).toMatchObject({ status: 'rolled_back', runningVersion: FACTORY_VERSION });
    expect(requests.filter((r) => r.status === 206)).not.toHaveLength(0);
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: FACTORY_VERSION, slot: 'a', imageConfirmed: true });
    expect(journalKinds(rig.coop)).toEqual(expect.arrayContaining(['switch', 'rollback']));
    expect(journalKinds(rig.coop)).not.toContain('confirm');
    outputs.assertFailSafe();
    expect(events.at(-1)).toMatchObject({ type: 'node_fault', detail: { phase: 'rolled_back' } });
  }, 90_000);

  it('falls back to push on a node that cannot fetch (fetch_unsupported)', async () => {
    const rig = await startRig('mqtt', ['--no-fetch']);
    const image = makeImage(NEW_VERSION);
    const { requests, updater } = await startPull(rig);
    const outputs = watchOutputs(rig);
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();

    expect(result).toMatchObject({ status: 'updated', mode: 'push' });
    expect(result.status === 'updated' && result.chunksSent).toBeGreaterThanOrEqual(Math.ceil(image.manifest.size / 192));
    expect(requests).toEqual([]);
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    outputs.assertFailSafe();
  }, 60_000);
});

describe('firmware image server', () => {
  it('serves only the images it was given, by hash, with single byte ranges', async () => {
    const { server, requests } = await startImageServer();
    const image = makeImage(NEW_VERSION, { size: 10_000 });
    const url = server.offer(image);
    expect(url).toBe(`${server.baseUrl}/firmware/${image.manifest.sha256}.bin`);

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(image.bytes);

    const part = await fetch(url, { headers: { range: 'bytes=4096-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4096-9999/10000');
    expect(part.headers.get('content-length')).toBe('5904');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(image.bytes.subarray(4096));

    const beyond = await fetch(url, { headers: { range: 'bytes=10000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10000');
    expect(await beyond.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });

    // Nothing but offered images: no other hash, no file path, no other method.
    const other = makeImage('9.9.9-sim', { size: 100 }).manifest.sha256;
    for (const path of [`/firmware/${other}.bin`, '/firmware/../package.json', '/etc/passwd', `/firmware/${image.manifest.sha256.toUpperCase()}.bin`]) {
      const answer = await fetch(`${server.baseUrl}${path}`);
      expect(answer.status, path).toBe(404);
      expect(await answer.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(405);
    server.withdraw(image.manifest.sha256);
    expect((await fetch(url)).status).toBe(404);
    expect(requests.map((r) => r.status)).toEqual([200, 206, 416, 404, 404, 404, 404, 405, 404]);
  });

  it('reads Range headers as RFC 9110 says for one range', () => {
    expect(parseRangeHeader(undefined, 100)).toBeNull();
    expect(parseRangeHeader('bytes=0-99', 100)).toEqual({ first: 0, last: 99 });
    expect(parseRangeHeader('bytes=10-500', 100)).toEqual({ first: 10, last: 99 });
    expect(parseRangeHeader('bytes=-10', 100)).toEqual({ first: 90, last: 99 });
    expect(parseRangeHeader('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=5-2', 100)).toBeNull();
    expect(parseRangeHeader('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRangeHeader('items=0-1', 100)).toBeNull();
  });
});
