export { CloudLink, type CloudLinkOptions, type CloudLinkStatus, type PairingState } from './cloud-link.js';
export { CloudCommandExecutor, type CloudCommandResult } from './cloud-command-executor.js';
export { EventExporter } from './event-exporter.js';
export { ReadingsExporter } from './readings-exporter.js';
export { registerCloudLinkRoutes } from './cloud-link-routes.js';
export { ConfigExporter } from './config-exporter.js';
export { ConfigImporter } from './config-importer.js';
export { AutomationSync, type AutomationSyncDeps, type AutomationSyncResult } from './automation-sync.js';
export { FIRMWARE_TARGETS, readFirmwareTarget, requestFirmwareDownloadUrl } from './firmware-target-source.js';
