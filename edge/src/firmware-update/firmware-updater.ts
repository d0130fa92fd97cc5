import { EventEmitter } from 'node:events';
import type { HeartbeatMessage, HelloMessage, UpdateError, UpdateStatusMessage } from '@tokkatot/shared';
import type { DeviceManager } from '../devices/device-manager.js';
import type { NodeSnapshot } from '../devices/node-session.js';
import type { DeviceEventMap } from '../devices/events.js';
import { SILENT_LOGGER, type DeviceLogger } from '../devices/logger.js';
import type { FirmwareImage } from './firmware-image.js';
import type { FirmwareImageServer } from './image-server.js';

const NS = 'edge:firmware-update';

/** The events the updater writes to the farm's log: existing types, with the detail in `detail`. */
export interface FirmwareUpdateEvent {
  type: 'user_action' | 'node_fault';
  coopId: null;
  actorId: null;
  summary: string;
  detail: Record<string, string | number | boolean | null>;
}

export type FirmwareUpdateResult =
  /** The node runs the new image and it is confirmed. */
  | { status: 'updated'; nodeId: string; version: string; resumedFrom: number[]; chunksSent: number; mode: TransferMode }
  /** It already ran that version, confirmed: nothing was sent. */
  | { status: 'already_running'; nodeId: string; version: string }
  /** Not now: the safe-moment check said no. Nothing was sent. */
  | { status: 'deferred'; nodeId: string; reason: string }
  /** The node refused or failed the image (hash, size, flash); it still runs its old version. */
  | { status: 'rejected'; nodeId: string; error: UpdateError; runningVersion: string }
  /** The new image booted but was not confirmed in time; the node went back to its old version. */
  | { status: 'rolled_back'; nodeId: string; runningVersion: string }
  /** Gave up: the node stayed unreachable, or never answered. */
  | { status: 'failed'; nodeId: string; reason: string };

/** push: the edge sends the image as chunks over the device link; pull: the node fetches it over HTTP from the edge. */
export type TransferMode = 'push' | 'pull';

export interface FirmwareUpdateCallOptions {
  /** Overrides the updater's choice for this call; pull still falls back to push on a node that cannot fetch. */
  mode?: TransferMode;
}

export interface FirmwareUpdateProgress {
  nodeId: string;
  phase: 'begin' | 'transfer' | 'resume' | 'verify' | 'commit' | 'reboot' | 'confirm';
  /** Bytes the node reported it has. */
  offset: number;
  size: number;
}

export interface FirmwareUpdaterEvents {
  progress: [FirmwareUpdateProgress];
}

export interface FirmwareUpdaterOptions {
  devices: DeviceManager;
  /** The farm's event log (EventLog.append); progress and results are recorded there. */
  record?: (event: FirmwareUpdateEvent) => void;
  /**
   * Whether now is a safe moment to update this node (no feeder cycle running, inside the farm's
   * update window). Checked once before anything is sent.
   */
  isSafeMoment?: (nodeId: string) => boolean | Promise<boolean>;
  /** Bytes per chunk (default 192, at most 240). */
  chunkSize?: number;
  /** Chunks in flight before the node's status must catch up (default 8). */
  window?: number;
  /** Wait for an update status before resending (default 1000 ms). */
  statusTimeoutMs?: number;
  /** How long a node may stay unreachable mid-update before the update fails (default 60 s). */
  reconnectTimeoutMs?: number;
  /** The new image's health deadline, sent with the commit (default 60 s). */
  healthTimeoutS?: number;
  /**
   * Wi-Fi pull: the server on the farm LAN the nodes fetch images from. Without it every update
   * is pushed as chunks over the device link.
   */
  imageServer?: FirmwareImageServer;
  /** Which nodes pull when an imageServer is set: those on MQTT (default; they have IP), all, or none. */
  pullFor?: 'mqtt' | 'all' | 'none';
  /** How long a node gets to answer updateFetch at all before it is taken for one that does not know it (default 3000 ms). */
  fetchAnswerTimeoutMs?: number;
  /** While a node fetches, ask for its status again after this long without one (default 10 s). */
  pullSilenceMs?: number;
  logger?: DeviceLogger;
}

type WaitableEvent = 'updateStatusReported' | 'heartbeatReceived' | 'nodeRebooted';

class UpdateAbort extends Error {
  constructor(readonly result: FirmwareUpdateResult) {
    super(result.status);
  }
}

/**
 * Updates nodes one at a time over their existing device session: begin, chunks with a window
 * and go-back on silence, resume from the node's reported offset after any disconnect, commit,
 * then wait for the new image's hello and confirm it once its link is up. The node holds its
 * outputs in fail-safe throughout, and rolls back by itself if the confirm never comes.
 */
export class FirmwareUpdater extends EventEmitter<FirmwareUpdaterEvents> {
  private queue: Promise<unknown> = Promise.resolve();
  /** Chunks sent in the current run, resends included (runs never overlap). */
  private chunksSent = 0;

  constructor(private readonly options: FirmwareUpdaterOptions) {
    super();
  }

  /** Updates one node; calls are serialised, so a farm never has two nodes updating at once. */
  update(nodeId: string, image: FirmwareImage, options: FirmwareUpdateCallOptions = {}): Promise<FirmwareUpdateResult> {
    const run = this.queue.then(() => this.run(nodeId, image, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Updates each node in turn; stops early at the first node that rolls back or rejects the image. */
  async updateAll(nodeIds: string[], image: FirmwareImage, options: FirmwareUpdateCallOptions = {}): Promise<FirmwareUpdateResult[]> {
    const results: FirmwareUpdateResult[] = [];
    for (const nodeId of nodeIds) {
      const result = await this.update(nodeId, image, options);
      results.push(result);
      if (result.status === 'rejected' || result.status === 'rolled_back') break;
    }
    return results;
  }

  private get devices(): DeviceManager {
    return this.options.devices;
  }

  private log(): DeviceLogger {
    return this.options.logger ?? SILENT_LOGGER;
  }

  private record(type: FirmwareUpdateEvent['type'], summary: string, detail: FirmwareUpdateEvent['detail']): void {
    this.options.record?.({ type, coopId: null, actorId: null, summary, detail });
  }

  /** Pull when a server is there and the call or the node's transport says so. */
  private wantsPull(node: NodeSnapshot, requested: TransferMode | undefined): boolean {
    if (!this.options.imageServer) return false;
    if (requested) return requested === 'pull';
    const pullFor = this.options.pullFor ?? 'mqtt';
    return pullFor === 'all' || (pullFor === 'mqtt' && node.transport === 'mqtt');
  }

  private async run(nodeId: string, image: FirmwareImage, options: FirmwareUpdateCallOptions): Promise<FirmwareUpdateResult> {
    const { version } = image.manifest;
    const node = this.devices.getNode(nodeId);
    if (!node?.online) return { status: 'failed', nodeId, reason: 'node is offline' };
    if (node.hello.firmwareVersion === version && node.hello.imageConfirmed) return { status: 'already_running', nodeId, version };
    if (this.options.isSafeMoment && !(await this.options.isSafeMoment(nodeId))) {
      return { status: 'deferred', nodeId, reason: 'not a safe moment (feeder cycle running or outside the update window)' };
    }
    const from = node.hello.firmwareVersion;
    this.chunksSent = 0;
    const base = { nodeId, fromVersion: from, toVersion: version };
    const pull = this.wantsPull(node, options.mode);
    this.record('user_action', `firmware update of ${nodeId} from ${from} to ${version} started`, {
      ...base,
      phase: 'started',
      size: image.manifest.size,
      mode: pull ? 'pull' : 'push',
    });
    let result: FirmwareUpdateResult;
    try {
      const { resumedFrom, mode } = await this.transfer(nodeId, image, pull);
      this.record('user_action', `firmware ${version} transferred to ${nodeId} and verified by it`, { ...base, phase: 'verified', resumes: resumedFrom.length, mode });
      result = await this.commitAndConfirm(nodeId, image, resumedFrom, mode);
    } catch (error) {
      if (!(error instanceof UpdateAbort)) throw error;
      result = error.result;
    } finally {
      if (pull) this.options.imageServer?.withdraw(image.manifest.sha256);
    }
    if (result.status === 'updated') {
      this.record('user_action', `firmware update of ${nodeId} to ${version} succeeded`, { ...base, phase: 'succeeded', chunksSent: result.chunksSent });
    } else {
      const why = result.status === 'rejected' ? result.error : result.status === 'failed' ? result.reason : result.status;
      this.record('node_fault', `firmware update of ${nodeId} to ${version} ${result.status}: ${why}`, { ...base, phase: result.status, cause: why });
    }
    this.log().info({ ns: NS, nodeId, result }, 'firmware update finished');
    return result;
  }

  /** Pull when asked and the node can; push otherwise (and after a pull that could not go on). */
  private async transfer(nodeId: string, image: FirmwareImage, pull: boolean): Promise<{ resumedFrom: number[]; mode: TransferMode }> {
    if (pull) {
      const pulled = await this.pull(nodeId, image);
      if (pulled !== 'push') return { resumedFrom: pulled, mode: 'pull' };
    }
    return { resumedFrom: await this.push(nodeId, image), mode: 'push' };
  }

  /**
   * Asks the node to fetch the image from the image server and follows its reports until it has
   * verified it. Returns the offsets it resumed from, or 'push' when the node cannot fetch (it
   * does not know updateFetch, answers fetch_unsupported, or fetching failed for good: the push
   * that follows resumes from what it has).
   */
  private async pull(nodeId: string, image: FirmwareImage): Promise<number[] | 'push'> {
    const server = this.options.imageServer as FirmwareImageServer;
    const { size, sha256, version } = image.manifest;
    const fetch = { type: 'updateFetch' as const, version, size, sha256, url: server.offer(image) };
    const send = () => this.devices.sendUpdateMessage(nodeId, fetch);
    const resumedFrom: number[] = [];
    let status = await this.probe(nodeId, send);
    if (!status) return this.fallBack(nodeId, 'the node did not answer updateFetch (firmware without pull)');
    // Whether status answers an updateFetch (then "receiving n" says where the fetch starts).
    let answered = true;
    for (;;) {
      if (status.error === 'fetch_unsupported') return this.fallBack(nodeId, 'the node cannot fetch over HTTP');
      if (status.state === 'failed' && status.error === 'fetch_failed') return this.fallBack(nodeId, 'the node could not fetch the image from the edge');
      this.failIfRefused(nodeId, status);
      if (status.state === 'ready' || status.state === 'verifying') break;
      if (answered && status.state === 'receiving') {
        if (status.nextOffset > 0) resumedFrom.push(status.nextOffset);
        this.emit('progress', { nodeId, phase: status.nextOffset > 0 ? 'resume' : 'begin', offset: status.nextOffset, size });
      }
      const outcome = await this.watchPull(nodeId, size, send);
      if (outcome === 'disconnected') {
        // Power cut or lost link: once the node is back, the same request resumes its fetch.
        await this.waitOnline(nodeId);
        status = await this.ask(nodeId, send, () => true);
        answered = true;
      } else {
        status = outcome;
        answered = false;
      }
    }
    this.emit('progress', { nodeId, phase: 'verify', offset: size, size });
    if (status.state === 'ready') return resumedFrom;
    const verified = await this.waitStatus(nodeId, (s) => s.state === 'ready' || s.state === 'failed' || s.error !== null, this.verifyTimeoutMs(size));
    if (!verified) throw new UpdateAbort({ status: 'failed', nodeId, reason: 'no verification result from the node' });
    this.failIfRefused(nodeId, verified);
    return resumedFrom;
  }

  private fallBack(nodeId: string, why: string): 'push' {
    this.log().info({ ns: NS, nodeId, why }, 'firmware pull not possible; pushing instead');
    return 'push';
  }

  /** Sends updateFetch a few times; null when the node never answers (it does not know the message). */
  private async probe(nodeId: string, send: () => Promise<boolean>): Promise<UpdateStatusMessage | null> {
    const deadline = Date.now() + (this.options.fetchAnswerTimeoutMs ?? 3000);
    const timeoutMs = this.options.statusTimeoutMs ?? 1000;
    while (Date.now() < deadline) {
      const answer = this.waitStatus(nodeId, () => true, Math.max(50, Math.min(timeoutMs, deadline - Date.now())));
      if (!(await send())) await this.waitOnline(nodeId);
      const status = await answer;
      if (status) return status;
    }
    return null;
  }

  /**
   * Follows a node's fetch: its `receiving` reports become progress; resolves with the first other
   * status (verifying, ready, failed, an error), or 'disconnected' when it went offline, rebooted
   * or dropped the transfer. Silence for pullSilenceMs asks again (the node answers its status and
   * does not start over).
   */
  private watchPull(nodeId: string, size: number, resend: () => Promise<boolean>): Promise<UpdateStatusMessage | 'disconnected'> {
    const silenceMs = this.options.pullSilenceMs ?? 10_000;
    return new Promise((resolve) => {
      let heardAt = Date.now();
      let finished = false;
      const finish = (outcome: UpdateStatusMessage | 'disconnected') => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        this.devices.off('updateStatusReported', onStatus);
        this.devices.off('nodeOffline', onGone);
        this.devices.off('nodeRebooted', onGone);
        resolve(outcome);
      };
      const onStatus = ({ nodeId: id, status }: { nodeId: string; status: UpdateStatusMessage }) => {
        if (id !== nodeId) return;
        heardAt = Date.now();
        if (status.state === 'receiving' && status.error === null) {
          this.emit('progress', { nodeId, phase: 'transfer', offset: status.nextOffset, size });
          return;
        }
        finish(status.state === 'idle' && status.error === null ? 'disconnected' : status);
      };
      const onGone = ({ nodeId: id }: { nodeId: string }) => {
        if (id === nodeId) finish('disconnected');
      };
      const watchdog = setInterval(() => {
        if (Date.now() - heardAt < silenceMs) return;
        heardAt = Date.now();
        void resend();
      }, Math.max(50, Math.floor(silenceMs / 4)));
      this.devices.on('updateStatusReported', onStatus);
      this.devices.on('nodeOffline', onGone);
      this.devices.on('nodeRebooted', onGone);
    });
  }

  /** Sends the image until the node reports it verified; returns the offsets it resumed from. */
  private async push(nodeId: string, image: FirmwareImage): Promise<number[]> {
    const { size, sha256, version } = image.manifest;
    const chunkSize = Math.min(this.options.chunkSize ?? 192, 240);
    const window = this.options.window ?? 8;
    const resumedFrom: number[] = [];
    const begin = { type: 'updateBegin' as const, version, size, sha256, chunkSize };
    let status = await this.ask(nodeId, () => this.devices.sendUpdateMessage(nodeId, begin), () => true);
    for (;;) {
      this.failIfRefused(nodeId, status);
      if (status.state === 'ready') return resumedFrom;
      if (status.state === 'receiving' && status.nextOffset > 0) resumedFrom.push(status.nextOffset);
      this.emit('progress', { nodeId, phase: status.nextOffset > 0 ? 'resume' : 'begin', offset: status.nextOffset, size });
      const outcome = await this.stream(nodeId, image, chunkSize, window, status.nextOffset);
      if (outcome !== 'disconnected') {
        status = outcome;
        break;
      }
      // The link went away (a power cut, a pulled cable): wait for the node, then begin again —
      // the same image makes it answer with the offset it needs.
      await this.waitOnline(nodeId);
      status = await this.ask(nodeId, () => this.devices.sendUpdateMessage(nodeId, begin), () => true);
    }
    this.emit('progress', { nodeId, phase: 'verify', offset: size, size });
    if (status.state === 'ready') return resumedFrom;
    // The node reports its result once; on a noisy line that frame can be lost. The same begin
    // never restarts anything — it only makes the node say where it is (verifying, ready, failed).
    const verified = await this.awaitVerification(nodeId, size, () => this.devices.sendUpdateMessage(nodeId, begin));
    if (!verified) throw new UpdateAbort({ status: 'failed', nodeId, reason: 'no verification result from the node' });
    this.failIfRefused(nodeId, verified);
    return resumedFrom;
  }

  /** Waits for the node's verification result, asking again whenever it has been quiet for a while. */
  private async awaitVerification(nodeId: string, size: number, ask: () => Promise<boolean>): Promise<UpdateStatusMessage | null> {
    const final = (s: UpdateStatusMessage) => s.state === 'ready' || s.state === 'failed' || s.error !== null;
    const quietMs = 2 * (this.options.statusTimeoutMs ?? 1000);
    const deadline = Date.now() + this.verifyTimeoutMs(size);
    while (Date.now() < deadline) {
      const verified = await this.waitStatus(nodeId, final, Math.max(50, Math.min(quietMs, deadline - Date.now())));
      if (verified) return verified;
      if (Date.now() >= deadline) break;
      const answer = this.waitStatus(nodeId, final, Math.max(50, Math.min(quietMs, deadline - Date.now())));
      await ask();
      const asked = await answer;
      if (asked) return asked;
    }
    return null;
  }

  private verifyTimeoutMs(size: number): number {
    // Hashing runs 4 KiB per node tick; an ESP32 does a 1.5 MB slot in well under a minute.
    return 10_000 + Math.ceil(size / 4096) * 50;
  }

  private failIfRefused(nodeId: string, status: UpdateStatusMessage): void {
    if (status.state === 'failed' || (status.state === 'idle' && status.error !== null)) {
      const error = status.error ?? 'no_transfer';
      throw new UpdateAbort({ status: 'rejected', nodeId, error, runningVersion: this.devices.getNode(nodeId)?.hello.firmwareVersion ?? 'unknown' });
    }
  }

  /**
   * Streams chunks from offset with a window; the node's statuses move the window. On silence or
   * repeated statuses naming an earlier offset it goes back to that offset (go-back-N; chunks are
   * idempotent by offset, so resending is harmless). Resolves with the status that says everything
   * arrived (verifying or ready), or 'disconnected' when the node became unreachable.
   */
  private stream(nodeId: string, image: FirmwareImage, chunkSize: number, window: number, from: number): Promise<UpdateStatusMessage | 'disconnected'> {
    const { size } = image.manifest;
    const timeoutMs = this.options.statusTimeoutMs ?? 1000;
    return new Promise((resolve, reject) => {
      let acked = from;
      let next = from;
      let repeats = 0;
      let silentSince = Date.now();
      let finished = false;
      let sending = false;
      const finish = (outcome: UpdateStatusMessage | 'disconnected' | Error) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        this.devices.off('updateStatusReported', onStatus);
        this.devices.off('nodeOffline', onOffline);
        this.devices.off('nodeRebooted', onRebooted);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const pump = async () => {
        if (sending || finished) return;
        sending = true;
        try {
          while (!finished && next < size && next - acked < window * chunkSize) {
            const offset = next;
            const data = Buffer.from(image.bytes.subarray(offset, Math.min(offset + chunkSize, size))).toString('hex');
            next = Math.min(offset + chunkSize, size);
            this.chunksSent++;
            if (!(await this.devices.sendUpdateMessage(nodeId, { type: 'updateChunk', offset, data }))) {
              finish('disconnected');
              return;
            }
          }
        } finally {
          sending = false;
        }
      };
      const onStatus = ({ nodeId: id, status }: { nodeId: string; status: UpdateStatusMessage }) => {
        if (id !== nodeId || finished) return;
        silentSince = Date.now();
        if (status.state === 'verifying' || status.state === 'ready') return finish(status);
        if (status.state === 'idle' && status.error === 'no_transfer') {
          // The node dropped the transfer (it rebooted, or waited too long for us): begin again,
          // which resumes from what it kept.
          return finish('disconnected');
        }
        if (status.state !== 'receiving' || status.error !== null) {
          try {
            this.failIfRefused(nodeId, status);
          } catch (error) {
            return finish(error as Error);
          }
          if (status.error === 'bad_chunk') return finish(new UpdateAbort({ status: 'failed', nodeId, reason: 'the node refused a chunk as malformed' }));
          return;
        }
        if (status.nextOffset > acked) {
          acked = status.nextOffset;
          repeats = 0;
          if (next < acked) next = acked;
          this.emit('progress', { nodeId, phase: 'transfer', offset: acked, size });
        } else if (++repeats >= 3 || status.nextOffset < acked) {
          // The node keeps asking for the same offset: a chunk was lost, send again from there.
          acked = status.nextOffset;
          next = acked;
          repeats = 0;
        }
        void pump();
      };
      const onOffline = ({ nodeId: id }: { nodeId: string }) => {
        if (id === nodeId) finish('disconnected');
      };
      const onRebooted = ({ nodeId: id }: { nodeId: string }) => {
        if (id === nodeId) finish('disconnected');
      };
      const watchdog = setInterval(() => {
        if (Date.now() - silentSince < timeoutMs) return;
        // Nothing heard: resend from the last offset the node confirmed.
        silentSince = Date.now();
        next = acked;
        void pump();
      }, Math.max(50, Math.floor(timeoutMs / 4)));
      this.devices.on('updateStatusReported', onStatus);
      this.devices.on('nodeOffline', onOffline);
      this.devices.on('nodeRebooted', onRebooted);
      void pump();
    });
  }

  /** Commits, waits for the new image's hello, confirms it once its link is up, or sees the rollback. */
  private async commitAndConfirm(nodeId: string, image: FirmwareImage, resumedFrom: number[], mode: TransferMode): Promise<FirmwareUpdateResult> {
    const { version, size } = image.manifest;
    const healthTimeoutS = this.options.healthTimeoutS ?? 60;
    const oldBootId = this.devices.getNode(nodeId)?.hello.bootId;
    this.emit('progress', { nodeId, phase: 'commit', offset: size, size });
    const rebooted = this.waitHello(nodeId, (hello) => hello.bootId !== oldBootId, this.reconnectTimeoutMs());
    const commit = await this.ask(
      nodeId,
      () => this.devices.sendUpdateMessage(nodeId, { type: 'updateCommit', healthTimeoutS }),
      (s) => s.state === 'rebooting' || s.state === 'failed' || s.error !== null,
      // The node may reboot before its answer is read: the new hello answers too.
      rebooted.then(() => ({ type: 'updateStatus', state: 'rebooting', error: null, nextOffset: size }) as const),
    );
    if (commit.state !== 'rebooting') this.failIfRefused(nodeId, commit);
    this.emit('progress', { nodeId, phase: 'reboot', offset: size, size });
    // The node announces itself once after the reboot; on a noisy line that hello can be lost,
    // so keep asking until the new boot has introduced itself.
    const asking = setInterval(() => void this.devices.requestHello(nodeId).catch(() => undefined), 2000);
    const hello = await rebooted.finally(() => clearInterval(asking));
    if (!hello) return { status: 'failed', nodeId, reason: 'the node did not come back after the commit' };
    if (hello.firmwareVersion !== version || hello.imageConfirmed) {
      // The bootloader kept (or went back to) the old image.
      return { status: 'rolled_back', nodeId, runningVersion: hello.firmwareVersion };
    }
    this.emit('progress', { nodeId, phase: 'confirm', offset: size, size });
    const healthyBy = Date.now() + healthTimeoutS * 1000;
    const rolledBack = this.waitHello(nodeId, (h) => h.bootId !== hello.bootId, (healthTimeoutS + 30) * 1000);
    // Healthy = a heartbeat of this boot that says the link is up both ways; then confirm it.
    const healthy = await Promise.race([
      this.waitHeartbeat(nodeId, (hb) => hb.bootId === hello.bootId && hb.linkUp, healthTimeoutS * 1000),
      rolledBack.then(() => null),
    ]);
    if (healthy) {
      while (Date.now() < healthyBy) {
        const confirmed = this.waitHeartbeat(nodeId, (hb) => hb.bootId === hello.bootId && hb.imageConfirmed, 1000);
        await this.devices.sendUpdateMessage(nodeId, { type: 'updateConfirm' });
        if (await confirmed) return { status: 'updated', nodeId, version, resumedFrom, chunksSent: this.chunksSent, mode };
      }
    }
    const back = await rolledBack;
    if (back && back.firmwareVersion !== version) return { status: 'rolled_back', nodeId, runningVersion: back.firmwareVersion };
    return { status: 'failed', nodeId, reason: 'the new image was not confirmed and no rollback was seen' };
  }

  private reconnectTimeoutMs(): number {
    return this.options.reconnectTimeoutMs ?? 60_000;
  }

  /** Sends (and resends) until a status the matcher accepts arrives; throws UpdateAbort when the node stays silent. */
  private async ask(
    nodeId: string,
    send: () => Promise<boolean>,
    accept: (status: UpdateStatusMessage) => boolean,
    alternative?: Promise<UpdateStatusMessage>,
  ): Promise<UpdateStatusMessage> {
    const timeoutMs = this.options.statusTimeoutMs ?? 1000;
    const deadline = Date.now() + this.reconnectTimeoutMs();
    let other: UpdateStatusMessage | null = null;
    void alternative?.then((status) => (other = status));
    while (Date.now() < deadline) {
      const answer = this.waitStatus(nodeId, accept, timeoutMs);
      if (!(await send())) await this.waitOnline(nodeId);
      const status = await Promise.race([answer, alternative ?? new Promise<null>(() => undefined)]);
      if (status) return status;
      if (other) return other;
    }
    throw new UpdateAbort({ status: 'failed', nodeId, reason: 'the node did not answer update requests' });
  }

  private waitStatus(nodeId: string, accept: (status: UpdateStatusMessage) => boolean, timeoutMs: number): Promise<UpdateStatusMessage | null> {
    return this.waitFor('updateStatusReported', (e) => (e.nodeId === nodeId && accept(e.status) ? e.status : undefined), timeoutMs);
  }

  private waitHeartbeat(nodeId: string, accept: (heartbeat: HeartbeatMessage) => boolean, timeoutMs: number): Promise<HeartbeatMessage | null> {
    return this.waitFor('heartbeatReceived', (e) => (e.nodeId === nodeId && accept(e.heartbeat) ? e.heartbeat : undefined), timeoutMs);
  }

  /** The next hello of the node that the predicate accepts (a new boot shows as rebooted). */
  private waitHello(nodeId: string, accept: (hello: HelloMessage) => boolean, timeoutMs: number): Promise<HelloMessage | null> {
    return this.waitFor(
      'nodeRebooted',
      (e) => {
        if (e.nodeId !== nodeId) return undefined;
        const hello = this.devices.getNode(nodeId)?.hello;
        return hello && accept(hello) ? hello : undefined;
      },
      timeoutMs,
    );
  }

  private async waitOnline(nodeId: string): Promise<void> {
    const deadline = Date.now() + this.reconnectTimeoutMs();
    while (Date.now() < deadline) {
      const node = this.devices.getNode(nodeId);
      if (node?.online) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new UpdateAbort({ status: 'failed', nodeId, reason: 'the node stayed unreachable' });
  }

  /** Resolves with what pick returns for the first event it accepts, or null after the timeout. */
  private waitFor<K extends WaitableEvent, T>(event: K, pick: (payload: DeviceEventMap[K][0]) => T | undefined, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const listener = (payload: DeviceEventMap[K][0]) => {
        const value = pick(payload);
        if (value === undefined) return;
        clearTimeout(timer);
        this.devices.off(event, listener as never);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.devices.off(event, listener as never);
        resolve(null);
      }, timeoutMs);
      this.devices.on(event, listener as never);
    });
  }
}
