import { parse } from 'yaml';

/**
 * The alert rules file wrapped as a PrometheusRule object, the form the Prometheus operator
 * (kube-prometheus-stack) loads. Rendered into infra/monitoring/prometheus/prometheus-rule.yaml.
 */
export function renderPrometheusRule(alertsYaml: string): Record<string, unknown> {
  const rules = (parse(alertsYaml) ?? {}) as { groups?: unknown };
  if (!Array.isArray(rules.groups) || rules.groups.length === 0) throw new Error('alerts.yml has no rule groups');
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'tokkatot-alerts', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'tokkatot' } },
    spec: { groups: rules.groups },
  };
}
