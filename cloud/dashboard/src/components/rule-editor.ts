import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { ClimateRule } from '../api/types.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api } from '../state.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** The band fields a manager may change, checked the way the server's schema checks them. */
export function bandProblem(low: number, high: number): boolean {
  return !Number.isFinite(low) || !Number.isFinite(high) || low < -10 || high > 50 || low >= high;
}

/**
 * One climate rule's temperature band and on/off switch: PATCH /v1/farms/:farmId/rules/:ruleId,
 * which writes the rule's sync document for the edge to pull.
 */
export function RuleEditor({ farmId, rule, canEdit, onSaved }: { farmId: string; rule: ClimateRule; canEdit: boolean; onSaved: (rule: ClimateRule) => void }) {
  const { t } = useT();
  const [low, setLow] = useState(String(rule.bandLowC));
  const [high, setHigh] = useState(String(rule.bandHighC));
  const [enabled, setEnabled] = useState(rule.enabled);
  const [feedback, setFeedback] = useState<{ kind: 'ok' | 'error'; key: MessageKey; detail?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setLow(String(rule.bandLowC));
    setHigh(String(rule.bandHighC));
    setEnabled(rule.enabled);
  }, [rule.id, rule.bandLowC, rule.bandHighC, rule.enabled]);
  const save = async (event: Event) => {
    event.preventDefault();
    const bandLowC = Number(low);
    const bandHighC = Number(high);
    if (bandProblem(bandLowC, bandHighC)) return setFeedback({ kind: 'error', key: 'bandInvalid' });
    setBusy(true);
    setFeedback(null);
    try {
      const saved = await api.patch<ClimateRule | { rule: ClimateRule }>(`/v1/farms/${encodeURIComponent(farmId)}/rules/${encodeURIComponent(rule.id)}`, { bandLowC, bandHighC, enabled });
      onSaved('rule' in saved ? saved.rule : saved);
      setFeedback({ kind: 'ok', key: 'saved' });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      setFeedback({ kind: 'error', key: code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : 'saveFailed', ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) });
    } finally {
      setBusy(false);
    }
  };
  const id = `rule-${rule.id}`;
  return html`<form class="card editor" onSubmit=${save} data-testid="rule-editor">
    <h3>${rule.name}</h3>
    <p class="muted small">${t(rule.target === 'curve' ? 'followsCurve' : 'fixedBand')}</p>
    <div class="two">
      <div>
        <label for=${`${id}-low`}>${t('bandLow')}</label>
        <input id=${`${id}-low`} type="number" inputmode="decimal" step="0.1" min="-10" max="50" value=${low} disabled=${!canEdit} onInput=${(event: Event) => setLow((event.target as HTMLInputElement).value)} data-testid="band-low" />
      </div>
      <div>
        <label for=${`${id}-high`}>${t('bandHigh')}</label>
        <input id=${`${id}-high`} type="number" inputmode="decimal" step="0.1" min="-10" max="50" value=${high} disabled=${!canEdit} onInput=${(event: Event) => setHigh((event.target as HTMLInputElement).value)} data-testid="band-high" />
      </div>
    </div>
    <label class="check"><input type="checkbox" checked=${enabled} disabled=${!canEdit} onChange=${(event: Event) => setEnabled((event.target as HTMLInputElement).checked)} /> ${t('ruleEnabled')}</label>
    ${canEdit
      ? html`<button type="submit" class="main wide" disabled=${busy} data-testid="save-rule">${busy ? t('saving') : t('save')}</button>`
      : html`<p class="muted small">${t('notAllowed')}</p>`}
    ${feedback
      ? html`<p class=${`feedback ${feedback.kind}`} role="status" data-testid="rule-feedback"><${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} /> ${t(feedback.key)}${feedback.detail ? html` <span lang="en">(${feedback.detail})</span>` : null}</p>`
      : null}
  </form>`;
}
