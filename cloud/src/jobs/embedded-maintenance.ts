import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import { archiveData } from './archive-data.js';
import { executeSchedules } from './execute-schedules.js';
import { importFirmwareReleases, type FirmwareStorage } from '../firmware/index.js';

const FIVE_MINUTES = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface EmbeddedMaintenanceOptions {
  pool: pg.Pool;
  store: SyncDocStore;
  log: FastifyBaseLogger;
  now?: () => number;
  /** When the firmware bucket is configured: the hourly import of its versions.json. */
  firmware?: { storage: FirmwareStorage; trustedKeys: readonly string[] };
}

/**
 * The CronJobs' work for a cloud on the embedded database, where no second process may open the
 * data folder: the schedule run every five minutes, the retention run a minute after start,
 * then daily, and with a firmware bucket the release import two minutes after start, then
 * hourly. Runs never overlap.
 */
export function startEmbeddedMaintenance(options: EmbeddedMaintenanceOptions): { stop: () => void; idle: () => Promise<void> } {
  const now = options.now ?? Date.now;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = (name: string, work: () => Promise<unknown>) => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        options.log.info({ job: name, report: await work() }, 'job finished');
      } catch (error) {
        options.log.error({ err: error, job: name }, 'job failed');
      }
    });
  };
  const schedules = () => run('execute-schedules', () => executeSchedules(options.pool, options.store, { now }));
  const archive = () => run('archive-data', () => archiveData(options.pool, { now }));
  const timers = [setInterval(schedules, FIVE_MINUTES), setTimeout(archive, 60_000), setInterval(archive, DAY)];
  const firmware = options.firmware;
  if (firmware) {
    const importReleases = () => run('import-firmware-releases', () => importFirmwareReleases({ pool: options.pool, store: options.store, now, ...firmware }));
    timers.push(setTimeout(importReleases, 2 * 60_000), setInterval(importReleases, HOUR));
  }
  for (const timer of timers) timer.unref();
  return {
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
    idle: () => running,
  };
}
