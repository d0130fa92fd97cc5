export { EdgeConfigSchema, type EdgeConfig } from './config-schema.js';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
