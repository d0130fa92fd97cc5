export { EdgeSyncClient, type EdgeSyncClientOptions, type EdgeSyncStatus } from './edge-sync-client.js';
export { HttpTransport, INGEST_CONTENT_TYPE } from './http-transport.js';
export { OutboxUploader, type DrainResult } from './outbox-uploader.js';
export { CommandRunner, type ExecuteCommand } from './command-runner.js';
export { ServerTimeTracker } from './server-time.js';
export { readSseData } from './sse-reader.js';
export { PairingClient, EdgeCredentialSchema, type EdgeCredential } from './pairing-client.js';
