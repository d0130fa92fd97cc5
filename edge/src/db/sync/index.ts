export { SqliteForkStore } from './sqlite-fork-store.js';
export { SqliteOutbox, type OutboxDepth } from './sqlite-outbox.js';
export { SyncStateStore } from './sync-state-store.js';
export { CommandLedger, type CommandOutcome } from './command-ledger.js';
export { openSyncDatabase } from './open-sync-database.js';
