import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Edge } from '../edge.js';

/** The prom-client registry of one edge: the deployment spec's API metrics plus the edge's own. */
export interface HttpMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  requestTotal: Counter<'method' | 'route' | 'status'>;
  errorsTotal: Counter<'method' | 'route' | 'code'>;
}

export function createMetrics(edge: Edge): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'api_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requestTotal = new Counter({ name: 'api_request_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const errorsTotal = new Counter({ name: 'api_errors_total', help: 'HTTP requests answered with a server error (5xx)', labelNames: ['method', 'route', 'code'] as const, registers: [registry] });
  new Gauge({
    name: 'device_commands_queued',
    help: 'Manual overrides currently active',
    registers: [registry],
    collect() {
      if (edge.database.db.open) this.set(edge.repositories.commands.listActive().length);
    },
  });
  new Gauge({
    name: 'database_connections_active',
    help: 'Open SQLite connections (the edge has one writer)',
    registers: [registry],
    collect() {
      this.set(edge.database.db.open ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tokkatot_db_size_bytes',
    help: 'Database file plus WAL on disk',
    registers: [registry],
    collect() {
      if (edge.database.db.open) this.set(edge.database.sizeOnDisk());
    },
  });
  new Gauge({
    name: 'tokkatot_db_budget_bytes',
    help: 'Configured disk budget',
    registers: [registry],
    collect() {
      this.set(edge.housekeeper.budgetBytes);
    },
  });
  new Gauge({
    name: 'tokkatot_readings_ingested_total',
    help: 'Readings written since start',
    registers: [registry],
    collect() {
      this.set(edge.telemetry.ingestedTotal);
    },
  });
  new Gauge({
    name: 'tokkatot_readings_pending',
    help: 'Readings waiting for the next batch write',
    registers: [registry],
    collect() {
      this.set(edge.telemetry.pendingCount());
    },
  });
  new Gauge({
    name: 'tokkatot_nodes_online',
    help: 'Nodes heard from within the offline timeout',
    registers: [registry],
    collect() {
      if (edge.database.db.open) this.set(edge.registry.listNodes().filter((node) => edge.registry.isOnline(node)).length);
    },
  });
  return { registry, requestDuration, requestTotal, errorsTotal };
}
