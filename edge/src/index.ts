/**
 * The edge controller's public surface for the composition root, the devices, automation and
 * sync layers, benchmarks and tests.
 */
export { createEdge, databasePath, DATABASE_FILE, type Edge, type EdgeOptions } from './edge.js';
export { buildApp, type EdgeApp, type Access, type RouteInfo } from './http/app.js';
export { loadConfig, EdgeConfigSchema, type EdgeConfig } from './config/index.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { OutputArbiter, ARBITRATION_ORDER, type ArbiterInput, type ArbiterSource, type ApplyResult, type OutputDecision } from './commands/output-arbiter.js';
export { FakeOutputDriver, type Ack, type OutputDriver } from './commands/output-driver.js';
export { CommandService, type ManualRequest } from './commands/command-service.js';
export { RegistryService, type NodeHello, type InactiveReason, type Activity } from './registry/registry-service.js';
export { createDeviceSink, type DeviceSink } from './registry/device-sink.js';
export { TelemetryService, chooseResolution } from './telemetry/telemetry-service.js';
export { Housekeeper } from './telemetry/housekeeper.js';
export { EventLog, type EventInput, type EventFilter } from './events/event-log.js';
export { EdgeBus, type EdgeBusEvents } from './events/edge-bus.js';
export { AlarmService, type RaiseAlarm } from './alarms/alarm-service.js';
export { AuthService, type PublicUser } from './auth/index.js';
export { createBackup, restoreBackup, listBackups } from './backup/backup-service.js';
