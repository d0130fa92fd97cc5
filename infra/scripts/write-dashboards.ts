/** Renders infra/src/dashboards.ts into infra/monitoring/grafana/*.json (committed). */
import { writeFileSync } from 'node:fs';
import { dashboardFileName, DASHBOARDS, renderDashboard } from '../src/dashboards.js';

const folder = new URL('../monitoring/grafana/', import.meta.url);
for (const spec of DASHBOARDS) {
  writeFileSync(new URL(dashboardFileName(spec), folder), `${JSON.stringify(renderDashboard(spec), null, 2)}\n`);
}
