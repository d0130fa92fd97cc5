export * from './errors.js';
export * from './canonical-json.js';
export * from './hlc.js';
export * from './ids.js';
export * from './validation.js';
export * from './domain/index.js';
export * from './protocol/index.js';
