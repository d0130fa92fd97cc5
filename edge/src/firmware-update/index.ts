export * from './firmware-image.js';
export * from './firmware-updater.js';
