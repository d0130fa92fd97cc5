/**
 * Renders the monitoring sources into committed files:
 *   infra/src/dashboards.ts          → infra/monitoring/grafana/*.json
 *   monitoring/prometheus/alerts.yml → monitoring/prometheus/prometheus-rule.yaml
 * Run: npx tsx infra/scripts/write-monitoring.ts (a test fails while they are stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { dashboardFileName, DASHBOARDS, renderDashboard } from '../src/dashboards.js';
import { renderPrometheusRule } from '../src/prometheus-rule.js';

const monitoring = new URL('../monitoring/', import.meta.url);
for (const spec of DASHBOARDS) {
  writeFileSync(new URL(`grafana/${dashboardFileName(spec)}`, monitoring), `${JSON.stringify(renderDashboard(spec), null, 2)}\n`);
}
const alerts = readFileSync(new URL('prometheus/alerts.yml', monitoring), 'utf8');
writeFileSync(new URL('prometheus/prometheus-rule.yaml', monitoring), `# Generated from alerts.yml by infra/scripts/write-monitoring.ts; do not edit.\n${stringify(renderPrometheusRule(alerts))}`);
