import type { Edge } from '../../edge.js';
import type { HttpMetrics } from '../metrics.js';
import { registerAuthRoutes } from './auth.js';
import { registerBackupRoutes } from './backups.js';
import { registerControlRoutes } from './control.js';
import { registerEventRoutes } from './events.js';
import { registerLiveRoutes } from './live.js';
import { registerRegistryRoutes } from './registry.js';
import { registerSystemRoutes } from './system.js';
import { registerTelemetryRoutes } from './telemetry.js';
import type { ZodApp } from './types.js';
import { registerUserRoutes } from './users.js';

export function registerRoutes(app: ZodApp, edge: Edge, metrics: HttpMetrics): void {
  registerSystemRoutes(app, edge, metrics);
  registerAuthRoutes(app, edge);
  registerUserRoutes(app, edge);
  registerRegistryRoutes(app, edge);
  registerControlRoutes(app, edge);
  registerTelemetryRoutes(app, edge);
  registerEventRoutes(app, edge);
  registerLiveRoutes(app, edge);
  registerBackupRoutes(app, edge);
}

