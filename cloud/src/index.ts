export { buildApp, type AppDeps, type AppServices } from './http/app.js';
export { Authenticator, signUserToken, issueEdgeCredential, hashSecret, type Principal } from './http/auth.js';
export { migrate } from './db/migrate.js';
export { SyncDocStore } from './db/sync-doc-store.js';
export { InfluxReadingSink, READING_MEASUREMENT } from './telemetry/influx-reading-sink.js';
export { MemoryReadingSink, type ReadingSink } from './telemetry/reading-sink.js';
export { INGEST_CONTENT_TYPE } from './sync/ingest-routes.js';
