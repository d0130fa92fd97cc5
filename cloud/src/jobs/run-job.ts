import pg from 'pg';
import { SyncDocStore } from '../db/sync-doc-store.js';
import { importFirmwareReleases, S3FirmwareStorage, storageSettingsFrom } from '../firmware/index.js';
import { ConfigError, loadConfig, type CloudConfig } from '../ops/config.js';
import { archiveData } from './archive-data.js';
import { executeSchedules } from './execute-schedules.js';

/** The jobs the image runs as `job NAME` (deploy/cloud-entrypoint.sh, infra/k8s/cronjobs.yaml). */
const JOBS: Record<string, (pool: pg.Pool, config: CloudConfig) => Promise<unknown>> = {
  'archive-data': (pool) => archiveData(pool, { now: Date.now }),
  'execute-schedules': (pool) => executeSchedules(pool, new SyncDocStore(pool), { now: Date.now }),
  'import-firmware-releases': (pool, config) => importReleases(pool, config),
};

/** Reads the bucket's versions.json into the catalogue and retargets farms (docs/cloud/firmware.md). */
async function importReleases(pool: pg.Pool, config: CloudConfig): Promise<unknown> {
  const settings = storageSettingsFrom(config);
  if (!settings) throw new ConfigError(['STORAGE_ENDPOINT, STORAGE_BUCKET, STORAGE_KEY, STORAGE_SECRET: must all be set to import firmware releases']);
  const storage = new S3FirmwareStorage(settings);
  try {
    return await importFirmwareReleases({ pool, store: new SyncDocStore(pool), storage, trustedKeys: config.FIRMWARE_RELEASE_KEYS, now: Date.now });
  } finally {
    storage.close();
  }
}

/** One run of one job against DATABASE_URL; prints one JSON line of counts. */
async function runJob(name: string | undefined): Promise<void> {
  const job = name ? JOBS[name] : undefined;
  if (!job) throw new ConfigError([`job: unknown job ${JSON.stringify(name ?? '')}; one of ${Object.keys(JOBS).join(', ')}`]);
  const config = loadConfig(process.env);
  if (!config.DATABASE_URL) {
    // Two processes on one PGlite folder would corrupt it; the embedded server runs these itself.
    throw new ConfigError(['DATABASE_URL: must be set to run a job (a cloud on the embedded database runs its jobs in-process)']);
  }
  const ssl = config.DATABASE_SSL_MODE === 'disable' ? undefined : { rejectUnauthorized: config.DATABASE_SSL_MODE === 'verify-full' };
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2, ...(ssl ? { ssl } : {}) });
  const started = Date.now();
  try {
    const report = await job(pool, config);
    process.stdout.write(`${JSON.stringify({ job: name, ms: Date.now() - started, ...(report as object) })}\n`);
  } finally {
    await pool.end();
  }
}

runJob(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
