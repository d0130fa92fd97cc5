import type { FastifyInstance } from 'fastify';
import { registerDownloadUrlRoute } from './download-url-route.js';
import { registerFarmFirmwareRoutes } from './farm-firmware-routes.js';
import type { FirmwareDeps } from './firmware-deps.js';
import { registerReleaseRoutes } from './release-routes.js';

export { type FirmwareDeps, type FirmwareOptions } from './firmware-deps.js';
export { S3FirmwareStorage, storageSettingsFrom, type FirmwareStorage, type FirmwareStorageSettings } from './firmware-storage.js';
export { importFirmwareReleases, type ImportReport } from './import-releases.js';
export { recomputeTargets } from './target-writer.js';

/** The firmware module (docs/cloud/firmware.md): catalogue, rollouts, farm settings, targets, signed downloads. */
export async function registerFirmware(app: FastifyInstance, deps: FirmwareDeps): Promise<void> {
  await registerReleaseRoutes(app, deps);
  await registerFarmFirmwareRoutes(app, deps);
  await registerDownloadUrlRoute(app, deps);
}
