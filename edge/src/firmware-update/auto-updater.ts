import type { FirmwareRelease, FirmwareTarget } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { FirmwareImage } from './firmware-image.js';
import type { FirmwareUpdateEvent, FirmwareUpdateResult } from './firmware-updater.js';
import { assertTrustedRelease, ReleaseDownloadError, type DownloadReport } from './release-download.js';
import { isInsideUpdateWindow } from './update-window.js';

/** A node as the rollout sees it: the registry's coop, the device session's state and hello. */
export interface RolloutNode {
  nodeId: string;
  coopId: string | null;
  online: boolean;
  firmwareVersion: string;
  hardwareRevision: number;
}

/** The few keys the rollout keeps across restarts (the edge's meta table). */
export interface RolloutStateStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface AutoUpdaterDeps {
  clock: Clock;
  /** The farm's `firmware_targets` document as pulled from the cloud, or undefined. */
  target: () => FirmwareTarget | undefined;
  /** The farm's time zone (registry): the update window is on the farm's clock. */
  timezone: () => string;
  nodes: () => RolloutNode[];
  /** Why a feeder of the coop counts as running now, or null (see feeder-cycle.ts). */
  feederRunning: (coopId: string, now: number) => string | null;
  trustedKeys: readonly string[];
  downloader: { download(release: FirmwareRelease): Promise<DownloadReport> };
  /** Drops cached images other than these hashes. */
  pruneCache?: (keepSha256s: readonly string[]) => void;
  updater: { update(nodeId: string, image: FirmwareImage): Promise<FirmwareUpdateResult> };
  record: (event: FirmwareUpdateEvent) => void;
  state: RolloutStateStore;
  /** How often the target, the window and the nodes are looked at (default one minute). */
  checkIntervalMs?: number;
  log?: (message: string, detail?: unknown) => void;
}

/** What one look at the target led to (tests and logs). */
export type RolloutTick =
  | { status: 'busy' | 'no_target' | 'paused' | 'up_to_date' | 'outside_window' | 'stopped' }
  | { status: 'halted'; reason: string }
  | { status: 'download_failed'; reason: string }
  | { status: 'ran'; results: FirmwareUpdateResult[]; deferred: string[] };

const HALTED_KEY = 'firmware.rollout_halted';
const CACHED_KEY = 'firmware.cached_releases';

interface Halt {
  targetKey: string;
  reason: string;
  at: number;
}

/** A release is one target for as long as its version and bytes stay the same. */
export function targetKeyOf(release: Pick<FirmwareRelease, 'version' | 'sha256'>): string {
  return `${release.version}:${release.sha256}`;
}

/**
 * The edge's own rollout of the farm's target firmware: watches the `firmware_targets` document,
 * refuses a release no trusted key signed before fetching a byte, downloads and verifies the image
 * whenever one is wanted, and inside the farm's update window updates the nodes that need it one
 * at a time, never while a feeder of the node's coop is in a cycle. A node that rejects the image
 * or rolls it back halts the rollout of that release on this farm until the target changes.
 */
export class FirmwareAutoUpdater {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RolloutTick> | null = null;
  /** Set by stop(): a rollout in progress ends after the node it is updating. */
  private stopped = false;
  /** Events already recorded for a target (skips, deferrals), so each tick does not repeat them. */
  private readonly noted = new Set<string>();

  constructor(private readonly deps: AutoUpdaterDeps) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    const check = () => void this.tick().catch((error: unknown) => this.deps.log?.('firmware rollout check failed', { error: (error as Error).message }));
    this.timer = setInterval(check, this.deps.checkIntervalMs ?? 60_000);
    check();
  }

  /** Stops looking; an update in progress finishes (the node must not be left mid-transfer by us). */
  stop(): Promise<RolloutTick | null> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    return this.running ?? Promise.resolve(null);
  }

  /** Looks once at the target, the window and the nodes; does what is due. Never overlaps itself. */
  tick(): Promise<RolloutTick> {
    if (this.running) return Promise.resolve({ status: 'busy' });
    this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** The rollout halted for the current target, if any. */
  halted(): Halt | undefined {
    const raw = this.deps.state.get(HALTED_KEY);
    return raw ? (JSON.parse(raw) as Halt) : undefined;
  }

  private async run(): Promise<RolloutTick> {
    const target = this.deps.target();
    const release = target?.release;
    if (!target || !release) return { status: 'no_target' };
    const key = targetKeyOf(release);
    const halt = this.halted();
    if (halt?.targetKey === key) return { status: 'halted', reason: halt.reason };
    if (target.paused) return { status: 'paused' };
    try {
      assertTrustedRelease(release, this.deps.trustedKeys);
    } catch (error) {
      return this.haltRollout(release, 'release_refused', (error as Error).message);
    }

    const due = this.nodesDue(release, key);
    if (due.length === 0) {
      this.pruneCache(release);
      this.noteOnce(`${key}:done`, () => this.record('user_action', `firmware rollout of ${release.version} finished: every node that can take it runs it`, release, { phase: 'rollout_finished' }));
      return { status: 'up_to_date' };
    }

    let image: FirmwareImage;
    try {
      const report = await this.deps.downloader.download(release);
      image = report.image;
      if (!report.fromCache) {
        this.record('user_action', `firmware ${release.version} downloaded and verified (size, SHA-256, signature)`, release, {
          phase: 'downloaded',
          resumes: report.resumedFrom.length,
          urlsRequested: report.urlsRequested,
        });
      }
      this.rememberCached(release);
    } catch (error) {
      if (error instanceof ReleaseDownloadError && error.permanent) return this.haltRollout(release, 'image_refused', error.message);
      this.deps.log?.('firmware download failed; trying again later', { version: release.version, error: (error as Error).message });
      return { status: 'download_failed', reason: (error as Error).message };
    }

    const results: FirmwareUpdateResult[] = [];
    const deferred: string[] = [];
    for (const node of due) {
      if (this.stopped) return { status: 'stopped' };
      // Updates take minutes: a target changed or paused meanwhile ends this pass.
      const current = this.deps.target();
      if (!current?.release || targetKeyOf(current.release) !== key || current.paused) return { status: 'ran', results, deferred };
      const now = this.deps.clock.now();
      if (!isInsideUpdateWindow(current.window, now, this.deps.timezone())) {
        return results.length > 0 ? { status: 'ran', results, deferred } : { status: 'outside_window' };
      }
      if (results.length === 0 && deferred.length === 0) {
        this.noteOnce(`${key}:started`, () =>
          this.record('user_action', `firmware rollout of ${release.version} started: ${due.length} node(s) to update`, release, { phase: 'rollout_started', nodes: due.length }),
        );
      }
      const feeder = node.coopId ? this.deps.feederRunning(node.coopId, now) : null;
      if (feeder) {
        deferred.push(node.nodeId);
        this.noteOnce(`${key}:${node.nodeId}:deferred:${feeder}`, () =>
          this.record('user_action', `firmware update of ${node.nodeId} to ${release.version} deferred: ${feeder}`, release, { phase: 'deferred', nodeId: node.nodeId, cause: feeder }),
        );
        continue;
      }
      const result = await this.deps.updater.update(node.nodeId, image);
      results.push(result);
      if (result.status === 'rejected' || result.status === 'rolled_back') {
        const why = result.status === 'rejected' ? `${node.nodeId} rejected the image (${result.error})` : `${node.nodeId} rolled the image back`;
        this.haltRollout(release, 'node_refused', why);
        return { status: 'ran', results, deferred };
      }
    }
    if (deferred.length === 0 && this.nodesDue(release, key).length === 0) {
      this.pruneCache(release);
    }
    return { status: 'ran', results, deferred };
  }

  /** Nodes that should take the release now; the others get their reason recorded once. */
  private nodesDue(release: FirmwareRelease, key: string): RolloutNode[] {
    const due: RolloutNode[] = [];
    for (const node of [...this.deps.nodes()].sort((a, b) => a.nodeId.localeCompare(b.nodeId))) {
      if (node.firmwareVersion === release.version) continue;
      let skip: string | null = null;
      if (node.coopId === null) skip = 'not assigned to a coop';
      else if (!node.online) skip = 'offline';
      else if (node.hardwareRevision < release.minHardwareRevision) skip = `hardware revision ${node.hardwareRevision} is below the release's minimum ${release.minHardwareRevision}`;
      if (skip === null) {
        due.push(node);
        continue;
      }
      const reason = skip;
      this.noteOnce(`${key}:${node.nodeId}:skip:${reason}`, () =>
        this.record('user_action', `firmware update of ${node.nodeId} to ${release.version} skipped: ${reason}`, release, { phase: 'skipped', nodeId: node.nodeId, cause: reason }),
      );
    }
    return due;
  }

  private haltRollout(release: FirmwareRelease, phase: string, reason: string): RolloutTick {
    const halt: Halt = { targetKey: targetKeyOf(release), reason, at: this.deps.clock.now() };
    this.deps.state.set(HALTED_KEY, JSON.stringify(halt));
    this.record('node_fault', `firmware rollout of ${release.version} stopped on this farm: ${reason}`, release, { phase, cause: reason });
    this.deps.log?.('firmware rollout stopped', { version: release.version, phase, reason });
    return { status: 'halted', reason };
  }

  /** Keeps the target's image and those of releases nodes still run; drops the rest. */
  private pruneCache(target: FirmwareRelease): void {
    if (!this.deps.pruneCache) return;
    const running = new Set(this.deps.nodes().map((node) => node.firmwareVersion));
    const cached = this.cachedReleases().filter((entry) => entry.sha256 === target.sha256 || running.has(entry.version));
    this.deps.state.set(CACHED_KEY, JSON.stringify(cached));
    this.deps.pruneCache(cached.map((entry) => entry.sha256));
  }

  private rememberCached(release: FirmwareRelease): void {
    const cached = this.cachedReleases().filter((entry) => entry.sha256 !== release.sha256);
    cached.push({ version: release.version, sha256: release.sha256 });
    this.deps.state.set(CACHED_KEY, JSON.stringify(cached.slice(-4)));
  }

  private cachedReleases(): { version: string; sha256: string }[] {
    const raw = this.deps.state.get(CACHED_KEY);
    return raw ? (JSON.parse(raw) as { version: string; sha256: string }[]) : [];
  }

  private noteOnce(key: string, record: () => void): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    record();
  }

  private record(type: FirmwareUpdateEvent['type'], summary: string, release: FirmwareRelease, detail: FirmwareUpdateEvent['detail']): void {
    // The event log caps a summary at 500 characters; a cloud's error text must not make the event invalid.
    this.deps.record({ type, coopId: null, actorId: null, summary: summary.slice(0, 500), detail: { version: release.version, board: release.board, ...detail } });
  }
}
