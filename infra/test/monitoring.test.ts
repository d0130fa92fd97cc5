import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardFileName, DASHBOARDS, renderDashboard } from '../src/dashboards.js';
import { renderPrometheusRule } from '../src/prometheus-rule.js';
import { filesIn, INFRA, readYamlDocuments } from './yaml-files.js';

const SPEC_METRICS = ['api_request_duration_seconds', 'api_request_total', 'api_errors_total', 'device_commands_queued', 'database_connections_active', 'cache_hit_ratio'];
const RULES = new URL('monitoring/prometheus/alerts.yml', INFRA);
const scratch = mkdtempSync(join(tmpdir(), 'tokkatot-promtool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** promtool from Debian's `prometheus` package: the real PromQL parser. */
function promtoolCheckRules(file: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('promtool is missing: apt-get install -y --no-install-recommends prometheus');
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const alerts = () => (readYamlDocuments(RULES)[0]!['groups'] as Array<{ rules: Array<Record<string, any>> }>).flatMap((g) => g.rules);

describe('the Prometheus alert rules', () => {
  it('pass promtool', () => {
    const result = promtoolCheckRules(fileURLToPath(RULES));
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('contain the specification alerts with their thresholds and durations', () => {
    const byName = Object.fromEntries(alerts().map((rule) => [rule['alert'], rule]));
    expect(byName['HighErrorRate']).toMatchObject({ expr: 'rate(api_errors_total[5m]) > 0.05', for: '5m' });
    expect(byName['DatabaseDown']).toMatchObject({ expr: 'pg_up != 1', for: '1m', labels: { route: 'page' } });
    expect(byName['PodRestartingTooOften']).toMatchObject({ expr: 'rate(kube_pod_container_status_restarts_total[15m]) > 0.1', for: '5m' });
  });

  it('each link to a runbook section', () => {
    const runbook = readFileSync(new URL('../docs/operations/runbook.md', INFRA), 'utf8').toLowerCase();
    for (const rule of alerts()) {
      expect(rule['annotations'].runbook).toBe(`docs/operations/runbook.md#${String(rule['alert']).toLowerCase()}`);
      expect(runbook, String(rule['alert'])).toContain(`## ${String(rule['alert']).toLowerCase()}`);
    }
  });

  it('are committed as the PrometheusRule the operator loads, in sync with alerts.yml', () => {
    const committed = readYamlDocuments(new URL('monitoring/prometheus/prometheus-rule.yaml', INFRA))[0];
    expect(committed, 'prometheus-rule.yaml is stale: run npx tsx infra/scripts/write-monitoring.ts').toEqual(renderPrometheusRule(readFileSync(RULES, 'utf8')));
  });

  it('are rejected by promtool when an expression is broken, so the check above can fail', () => {
    const broken = join(scratch, 'broken.yml');
    writeFileSync(broken, readFileSync(RULES, 'utf8').replace('rate(api_errors_total[5m]) > 0.05', 'rate(api_errors_total[5m] > 0.05'));
    expect(promtoolCheckRules(broken).ok).toBe(false);
  });
});

describe('the Grafana dashboards', () => {
  it('are the committed rendering of infra/src/dashboards.ts', () => {
    expect(filesIn('monitoring/grafana', '.json')).toEqual(DASHBOARDS.map(dashboardFileName).sort());
    for (const spec of DASHBOARDS) {
      const committed = JSON.parse(readFileSync(new URL(`monitoring/grafana/${dashboardFileName(spec)}`, INFRA), 'utf8'));
      expect(committed, `${dashboardFileName(spec)} is stale: run npx tsx infra/scripts/write-monitoring.ts`).toEqual(renderDashboard(spec));
    }
  });

  it('are all shipped by the monitoring kustomization', () => {
    const kustomization = readYamlDocuments(new URL('monitoring/kustomization.yaml', INFRA))[0]!;
    expect(kustomization['configMapGenerator'][0].files.map((f: string) => f.replace('grafana/', '')).sort()).toEqual(DASHBOARDS.map(dashboardFileName).sort());
    expect(kustomization['resources']).toEqual(['prometheus/prometheus-rule.yaml']);
  });

  it('cover system, API, database, devices and business', () => {
    expect(DASHBOARDS.map((d) => d.uid)).toEqual(['tokkatot-system', 'tokkatot-api', 'tokkatot-database', 'tokkatot-devices', 'tokkatot-business']);
  });

  it('chart every metric the specification names', () => {
    const exprs = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => q.expr))).join('\n');
    for (const metric of SPEC_METRICS) expect(exprs, metric).toContain(metric);
  });

  it('query only valid PromQL, checked by promtool as recording rules', () => {
    const rules = DASHBOARDS.flatMap((d) => d.panels.flatMap((p, i) => p.queries.map((q, n) => ({ record: `dashboard:${d.uid.replace(/-/g, '_')}:${i}_${n}`, expr: q.expr }))));
    const file = join(scratch, 'dashboards.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = promtoolCheckRules(file);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
