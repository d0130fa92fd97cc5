import { describe, expect, it } from 'vitest';
import { renderPrometheusRule } from '../src/prometheus-rule.js';

describe('renderPrometheusRule', () => {
  it('wraps the rule groups in a PrometheusRule the operator selects', () => {
    const rule = renderPrometheusRule('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n');
    expect(rule).toMatchObject({ kind: 'PrometheusRule', metadata: { labels: { release: 'kube-prometheus-stack' } }, spec: { groups: [{ name: 'g' }] } });
  });

  it.each(['', 'groups: []\n', 'rules: []\n'])('rejects a rules file without groups: %j', (text) => {
    expect(() => renderPrometheusRule(text)).toThrow('alerts.yml has no rule groups');
  });
});
