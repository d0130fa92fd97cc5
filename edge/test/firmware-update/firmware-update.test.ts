import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../src/devices/index.js';
import { FirmwareImageError, FirmwareUpdater, loadFirmwareImage, type FirmwareUpdateProgress } from '../../src/firmware-update/index.js';
import {
  FACTORY_VERSION,
  HEATER,
  IMAGE_BYTES,
  NEW_VERSION,
  cutPowerDuringTransfer,
  journalKinds,
  makeImage,
  runCleanups,
  slotFile,
  startRig,
  startUpdater,
  watchOutputs,
  type TransportKind,
} from './support/update-rig.js';

// Safe firmware updates end to end: the edge's updater against the simulated coop's A/B slots,
// over a real pseudo-terminal and over the real Mosquitto of scripts/test-services.sh.
afterEach(runCleanups);

describe.each<TransportKind>(['serial', 'mqtt'])('firmware update over %s', (kind) => {
  it('updates a node: transfer, verify, commit, reboot into slot B, confirm; outputs held in fail-safe throughout', async () => {
    const rig = await startRig(kind);
    const image = makeImage(NEW_VERSION);
    const { updater, events } = startUpdater(rig);
    const outputs = watchOutputs(rig);
    // A command in the middle of the transfer is refused: the update holds the outputs.
    let midTransfer: Promise<CommandOutcome> | null = null;
    updater.on('progress', (p) => {
      if (p.phase === 'transfer' && p.offset >= IMAGE_BYTES / 2 && !midTransfer) midTransfer = rig.manager.setOutput(rig.nodeId, { channel: HEATER, state: 'on' });
    });
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();

    expect(result).toMatchObject({ status: 'updated', version: NEW_VERSION, resumedFrom: [] });
    expect(result.status === 'updated' && result.chunksSent).toBeGreaterThanOrEqual(Math.ceil(IMAGE_BYTES / 192));
    expect(await midTransfer).toMatchObject({ status: 'nacked', error: 'updating' });
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, slot: 'b', imageConfirmed: true });
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    expect(journalKinds(rig.coop)).toEqual(expect.arrayContaining(['switch', 'confirm']));
    outputs.assertFailSafe();
    expect(events.map((e) => `${e.type}:${e.detail.phase}`)).toEqual(['user_action:started', 'user_action:verified', 'user_action:succeeded']);
    // The node is released: commands work again on the new image.
    expect(await rig.manager.setOutput(rig.nodeId, { channel: 2, state: 'on' })).toMatchObject({ status: 'acked' });
    // Asked again, there is nothing to do.
    expect(await updater.update(rig.nodeId, image)).toMatchObject({ status: 'already_running', version: NEW_VERSION });
  }, 60_000);

  it('rejects a corrupted image: the edge refuses the file, and the node refuses bytes that rotted after the check', async () => {
    const rig = await startRig(kind);
    const image = makeImage(NEW_VERSION);
    const corrupted = image.bytes.slice();
    corrupted[IMAGE_BYTES - 100] = (corrupted[IMAGE_BYTES - 100] as number) ^ 0x40;
    const file = join(rig.dataDir, 'image.bin');
    writeFileSync(file, corrupted);
    await expect(loadFirmwareImage(file, image.manifest)).rejects.toThrow(FirmwareImageError);
    await expect(loadFirmwareImage(file, image.manifest)).rejects.toMatchObject({ reason: 'hash_mismatch' });

    const { updater, events } = startUpdater(rig);
    const outputs = watchOutputs(rig);
    const result = await updater.update(rig.nodeId, { manifest: image.manifest, bytes: corrupted });
    outputs.stop();
    expect(result).toMatchObject({ status: 'rejected', error: 'hash_mismatch', runningVersion: FACTORY_VERSION });
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: FACTORY_VERSION, slot: 'a', imageConfirmed: true });
    expect(journalKinds(rig.coop)).not.toContain('switch');
    outputs.assertFailSafe();
    expect(events.at(-1)).toMatchObject({ type: 'node_fault', detail: { phase: 'rejected', cause: 'hash_mismatch' } });
  }, 60_000);

  it('resumes from the offset the node reports after a power loss (kill -9) in the middle of the transfer', async () => {
    const rig = await startRig(kind);
    const image = makeImage(NEW_VERSION);
    const { updater } = startUpdater(rig);
    const outputs = watchOutputs(rig);
    const progress: FirmwareUpdateProgress[] = [];
    updater.on('progress', (p) => progress.push(p));
    const cut = cutPowerDuringTransfer(rig, updater, 20 * 1024);
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();
    await cut.back;
    const reachedBeforeCut = cut.confirmed;

    expect(result.status).toBe('updated');
    const resumedFrom = result.status === 'updated' ? result.resumedFrom : [];
    // The node resumed where its flash said, not from zero: a multiple of the persist step, at
    // most what it had acknowledged before the cut.
    expect(resumedFrom).toHaveLength(1);
    expect(resumedFrom[0]).toBeGreaterThan(0);
    expect(resumedFrom[0]).toBeLessThanOrEqual(reachedBeforeCut);
    expect((resumedFrom[0] as number) % 4096).toBe(0);
    expect(progress.find((p) => p.phase === 'resume')?.offset).toBe(resumedFrom[0]);
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: NEW_VERSION, imageConfirmed: true });
    outputs.assertFailSafe();
  }, 90_000);

  it('a new image that never reports healthy is rolled back by the node itself', async () => {
    const rig = await startRig(kind);
    const image = makeImage('1.2.0-sim', { neverHealthy: true });
    const { updater, events } = startUpdater(rig, 3);
    const outputs = watchOutputs(rig);
    const result = await updater.update(rig.nodeId, image);
    outputs.stop();

    expect(result).toMatchObject({ status: 'rolled_back', runningVersion: FACTORY_VERSION });
    expect(rig.manager.getNode(rig.nodeId)?.hello).toMatchObject({ firmwareVersion: FACTORY_VERSION, slot: 'a', imageConfirmed: true });
    expect(journalKinds(rig.coop)).toEqual(expect.arrayContaining(['switch', 'rollback']));
    expect(journalKinds(rig.coop)).not.toContain('confirm');
    outputs.assertFailSafe();
    expect(events.at(-1)).toMatchObject({ type: 'node_fault', detail: { phase: 'rolled_back' } });
  }, 90_000);
});

describe('firmware update at an unsafe moment', () => {
  it('is deferred without sending anything when the safe-moment check says no', async () => {
    const rig = await startRig('serial');
    const asked: string[] = [];
    const updater = new FirmwareUpdater({ devices: rig.manager, isSafeMoment: (nodeId) => (asked.push(nodeId), false) });
    const statuses: unknown[] = [];
    rig.manager.on('updateStatusReported', (e) => statuses.push(e));
    const result = await updater.update(rig.nodeId, makeImage(NEW_VERSION));
    expect(result).toMatchObject({ status: 'deferred' });
    expect(asked).toEqual([rig.nodeId]);
    // The node heard nothing of it: no status, no slot written, still on its factory image.
    expect(statuses).toEqual([]);
    expect(rig.manager.getNode(rig.nodeId)?.state?.updating).toBe(false);
    expect(rig.coop.readJournal().map((e) => e.kind)).not.toContain('switch');
  }, 30_000);
});

describe('firmware update over a noisy serial line', () => {
  it('gets every byte through: lost and corrupted chunks are sent again from the offset the node needs', async () => {
    // 5 % of frames each way get a flipped bit (and junk bytes): the CRC drops them, the node asks
    // again. Over the ~256 chunk frames, the chance that none is hit is about 2 in a million.
    const rig = await startRig('serial', ['--line-noise', '0.05', '--seed', '7']);
    const image = makeImage(NEW_VERSION);
    const { updater } = startUpdater(rig);
    const result = await updater.update(rig.nodeId, image);
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'updated', version: NEW_VERSION });
    expect(new Uint8Array(readFileSync(slotFile(rig, 'b')))).toEqual(image.bytes);
    // The noise really hit the transfer: some chunks had to be sent again.
    expect(result.status === 'updated' && result.chunksSent).toBeGreaterThan(Math.ceil(IMAGE_BYTES / 192));
  }, 90_000);
});
