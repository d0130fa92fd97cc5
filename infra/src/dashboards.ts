/**
 * Grafana dashboards as data. `npx tsx infra/scripts/write-monitoring.ts` renders them into
 * infra/monitoring/grafana/*.json; a test fails when the committed JSON differs from this source.
 */
export interface PanelSpec {
  title: string;
  unit: string;
  queries: Array<{ expr: string; legend: string }>;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  panels: PanelSpec[];
}

const q = (expr: string, legend: string) => ({ expr, legend });
const ROOT_FS = 'fstype!~"tmpfs|overlay|squashfs"';

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'tokkatot-system',
    title: 'Tokkatot · System Health',
    panels: [
      { title: 'CPU busy', unit: 'percentunit', queries: [q('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', '{{instance}}')] },
      { title: 'Memory used', unit: 'percentunit', queries: [q('1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', '{{instance}}')] },
      { title: 'Disk used', unit: 'percentunit', queries: [q(`1 - node_filesystem_avail_bytes{${ROOT_FS}} / node_filesystem_size_bytes{${ROOT_FS}}`, '{{instance}} {{mountpoint}}')] },
      {
        title: 'Network',
        unit: 'Bps',
        queries: [
          q('sum by (instance) (rate(node_network_receive_bytes_total[5m]))', '{{instance}} in'),
          q('sum by (instance) (rate(node_network_transmit_bytes_total[5m]))', '{{instance}} out'),
        ],
      },
    ],
  },
  {
    uid: 'tokkatot-api',
    title: 'Tokkatot · API Performance',
    panels: [
      {
        title: 'Latency',
        unit: 's',
        queries: [0.5, 0.95, 0.99].map((quantile) =>
          q(`histogram_quantile(${quantile}, sum by (le) (rate(api_request_duration_seconds_bucket[5m])))`, `p${Math.round(quantile * 100)}`),
        ),
      },
      { title: 'Throughput', unit: 'reqps', queries: [q('sum by (route) (rate(api_request_total[5m]))', '{{route}}')] },
      { title: 'Errors', unit: 'reqps', queries: [q('sum by (code) (rate(api_errors_total[5m]))', '{{code}}')] },
      { title: 'Error ratio', unit: 'percentunit', queries: [q('sum(rate(api_errors_total[5m])) / sum(rate(api_request_total[5m]))', 'errors / requests')] },
    ],
  },
  {
    uid: 'tokkatot-database',
    title: 'Tokkatot · Database',
    panels: [
      { title: 'Active connections', unit: 'short', queries: [q('sum by (pod) (database_connections_active)', '{{pod}}')] },
      { title: 'PostgreSQL up', unit: 'short', queries: [q('pg_up', '{{instance}}')] },
      { title: 'Transactions', unit: 'ops', queries: [q('sum(rate(pg_stat_database_xact_commit[5m]))', 'commits'), q('sum(rate(pg_stat_database_xact_rollback[5m]))', 'rollbacks')] },
      { title: 'Replication lag', unit: 's', queries: [q('max(pg_replication_lag)', 'standby lag')] },
      { title: 'Cache hit ratio', unit: 'percentunit', queries: [q('avg(cache_hit_ratio)', 'redis')] },
    ],
  },
  {
    uid: 'tokkatot-devices',
    title: 'Tokkatot · Devices',
    panels: [
      { title: 'Devices online', unit: 'short', queries: [q('sum by (state) (devices_connected)', '{{state}}')] },
      { title: 'Commands queued', unit: 'short', queries: [q('sum by (farm) (device_commands_queued)', '{{farm}}')] },
      { title: 'Command outcomes', unit: 'ops', queries: [q('sum by (outcome) (rate(device_commands_total[5m]))', '{{outcome}}')] },
      { title: 'Sync data flow', unit: 'ops', queries: [q('sum(rate(api_request_total{route=~"/sync.*"}[5m]))', 'sync requests')] },
    ],
  },
  {
    uid: 'tokkatot-business',
    title: 'Tokkatot · Business Metrics',
    panels: [
      { title: 'Active farms', unit: 'short', queries: [q('max(farms_active)', 'farms')] },
      { title: 'Active users', unit: 'short', queries: [q('max(users_active)', 'users')] },
      { title: 'Commands per day', unit: 'short', queries: [q('sum(increase(device_commands_total[1d]))', 'commands')] },
      { title: 'Requests per day', unit: 'short', queries: [q('sum(increase(api_request_total[1d]))', 'requests')] },
    ],
  },
];

/** The Grafana dashboard model (schema 39) of one dashboard, with a Prometheus datasource variable. */
export function renderDashboard(spec: DashboardSpec): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  return {
    uid: spec.uid,
    title: spec.title,
    tags: ['tokkatot'],
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' }] },
    panels: spec.panels.map((panel, index) => ({
      id: index + 1,
      type: 'timeseries',
      title: panel.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.queries.map((query, n) => ({ refId: String.fromCharCode(65 + n), datasource, expr: query.expr, legendFormat: query.legend })),
    })),
  };
}

/** File name under infra/monitoring/grafana/ for a dashboard. */
export function dashboardFileName(spec: DashboardSpec): string {
  return `${spec.uid.replace(/^tokkatot-/, '')}.json`;
}
