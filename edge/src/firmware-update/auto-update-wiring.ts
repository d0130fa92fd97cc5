import { isAbsolute, join } from 'node:path';
import type { FirmwareTarget } from '@tokkatot/shared';
import { loadAutomationDocuments } from '../control/automation-documents.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { Edge } from '../edge.js';
import { FirmwareAutoUpdater, type RolloutNode } from './auto-updater.js';
import { findRunningFeeder, type FeederCycleDeps } from './feeder-cycle.js';
import { FirmwareUpdater, type FirmwareUpdateEvent, type FirmwareUpdaterOptions } from './firmware-updater.js';
import { FirmwareImageCache } from './image-cache.js';
import { ReleaseDownloader, type DownloadUrlGrant } from './release-download.js';
import { isInsideUpdateWindow } from './update-window.js';

/** The cloud side the rollout needs: the pulled target and signed URLs (CloudLink). */
export interface FirmwareCloud {
  firmwareTarget(): FirmwareTarget | undefined;
  firmwareDownloadUrl(release: { version: string; board: string }): Promise<unknown>;
}

export interface FirmwareAutoUpdateOptions {
  edge: Edge;
  devices: DeviceManager;
  /** Absent on an offline farm: nothing to learn a target from. */
  cloud: FirmwareCloud | undefined;
  log: (message: string, detail?: unknown) => void;
  /** Overrides `firmware.checkIntervalSeconds` (tests). */
  checkIntervalMs?: number;
  /** Updater settings: Wi-Fi pull (`imageServer`, `pullFor`) when the composition runs one; shorter timings in tests. */
  updater?: Pick<FirmwareUpdaterOptions, 'healthTimeoutS' | 'statusTimeoutMs' | 'reconnectTimeoutMs' | 'imageServer' | 'pullFor'>;
  /** Download retry pause (tests shorten it). */
  retryDelayMs?: number;
}

/** Whether the configuration lets the edge update nodes by itself, and if not, why. */
export function describeAutoUpdateSetting(firmware: Edge['config']['firmware'], cloudConfigured: boolean): { enabled: boolean; reason: string } {
  if (firmware.releaseKeys.length === 0) return { enabled: false, reason: 'no release key is trusted (set firmware.releaseKeys)' };
  if (firmware.autoUpdate === false) return { enabled: false, reason: 'firmware.autoUpdate is false' };
  if (!cloudConfigured) return { enabled: false, reason: 'the farm runs offline (no cloud.url): no target release to learn' };
  return { enabled: true, reason: `${firmware.releaseKeys.length} release key(s) trusted` };
}

/** The nodes as the rollout sees them: coop from the registry, state and version from the live session. */
export function listRolloutNodes(edge: Edge, devices: Pick<DeviceManager, 'getNode'>): RolloutNode[] {
  return edge.registry.listNodes().map((record) => {
    const live = devices.getNode(record.id);
    return {
      nodeId: record.id,
      coopId: record.coopId,
      online: live?.online ?? false,
      firmwareVersion: live?.hello.firmwareVersion ?? record.firmwareVersion,
      hardwareRevision: live?.hello.hardwareRevision ?? record.hardwareRevision,
    };
  });
}

/** The feeder check over the edge's registry, output states and automation documents. */
export function feederCycleDepsFor(edge: Edge): FeederCycleDeps {
  return {
    outputs: (coopId) => edge.registry.listOutputs({ coopId }),
    outputState: (outputId) => edge.repositories.outputState.get(outputId),
    schedules: () => loadAutomationDocuments(edge.repositories.meta).schedules,
    timezone: () => edge.registry.farm().timezone,
  };
}

/**
 * Wires the automatic rollout into a running edge and starts it, or returns null (with one log
 * line saying why) when the configuration leaves it off. Unpaired, it finds no target and does nothing.
 */
export function startFirmwareAutoUpdate(options: FirmwareAutoUpdateOptions): FirmwareAutoUpdater | null {
  const auto = createFirmwareAutoUpdate(options);
  auto?.start();
  return auto;
}

/** The rollout over the edge's parts, not started (tests drive its ticks); null when configured off. */
export function createFirmwareAutoUpdate(options: FirmwareAutoUpdateOptions): FirmwareAutoUpdater | null {
  const { edge, devices, cloud, log } = options;
  const { firmware } = edge.config;
  const setting = describeAutoUpdateSetting(firmware, cloud !== undefined);
  if (!setting.enabled || !cloud) {
    log(`automatic firmware updates are off: ${setting.reason}`);
    return null;
  }
  const cache = new FirmwareImageCache(isAbsolute(firmware.cacheDir) ? firmware.cacheDir : join(edge.config.dataDir, firmware.cacheDir));
  const feeders = feederCycleDepsFor(edge);
  const record = (event: FirmwareUpdateEvent) => void edge.events.append(event);
  const target = () => cloud.firmwareTarget();
  const updater = new FirmwareUpdater({
    devices,
    record,
    healthTimeoutS: firmware.healthTimeoutS,
    ...options.updater,
    // Checked again right before anything is sent: the window may have closed while another node updated.
    isSafeMoment: (nodeId) => {
      const now = edge.clock.now();
      const current = target();
      const coopId = edge.registry.listNodes().find((node) => node.id === nodeId)?.coopId ?? null;
      return !!current && !current.paused && isInsideUpdateWindow(current.window, now, edge.registry.farm().timezone) && (coopId === null || findRunningFeeder(feeders, coopId, now) === null);
    },
  });
  const downloader = new ReleaseDownloader({
    cache,
    trustedKeys: firmware.releaseKeys,
    requestUrl: async (release) => (await cloud.firmwareDownloadUrl(release)) as DownloadUrlGrant,
    clock: edge.clock,
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    log,
  });
  const auto = new FirmwareAutoUpdater({
    clock: edge.clock,
    target,
    timezone: () => edge.registry.farm().timezone,
    nodes: () => listRolloutNodes(edge, devices),
    feederRunning: (coopId, now) => findRunningFeeder(feeders, coopId, now),
    trustedKeys: firmware.releaseKeys,
    downloader,
    pruneCache: (keep) => cache.keepOnly(keep),
    updater,
    record,
    state: edge.repositories.meta,
    checkIntervalMs: options.checkIntervalMs ?? (firmware.checkIntervalSeconds ?? 60) * 1000,
    log,
  });
  log(`automatic firmware updates are on: ${setting.reason}`);
  return auto;
}
