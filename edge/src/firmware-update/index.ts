export * from './firmware-image.js';
export * from './firmware-updater.js';
export * from './update-window.js';
export * from './feeder-cycle.js';
export * from './image-cache.js';
export * from './release-download.js';
export * from './auto-updater.js';
export * from './auto-update-wiring.js';
