import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { localDigits } from '../i18n/i18n.js';
import { replica, type ConfigDoc } from '../offline/replica-handle.js';
import { atLeast } from '../roles.js';
import { api, roleOn, store } from '../state.js';
import { useStore } from '../store.js';
import { changedFields, FIELDS, readFields, sirenTestOf, textsOf, type Problem } from './alarm-limits-fields.js';

type Feedback = { kind: 'ok' | 'error'; key: MessageKey; detail?: string };

function FieldProblem({ id, problem }: { id: string; problem: Problem | undefined }) {
  const { t, locale } = useT();
  if (!problem) return null;
  const text = t(problem.key).replace('{min}', localDigits(locale, String(problem.min))).replace('{max}', localDigits(locale, String(problem.max)));
  return html`<p class="feedback error small" id=${`${id}-problem`}>${text}</p>`;
}

function NumberInput({ id, label, value, disabled, problem, onInput }: { id: string; label: string; value: string; disabled: boolean; problem: Problem | undefined; onInput: (value: string) => void }) {
  return html`<div>
    <label for=${id}>${label}</label>
    <input id=${id} type="number" step="any" inputmode="decimal" value=${value} disabled=${disabled}
      aria-invalid=${problem ? 'true' : undefined} aria-describedby=${problem ? `${id}-problem` : undefined}
      onInput=${(event: Event) => onInput((event.target as HTMLInputElement).value)} />
    <${FieldProblem} id=${id} problem=${problem} />
  </div>`;
}

/** The form over the farm's alarm settings document; managers and owners save, others read. */
function AlarmLimitsForm({ farmId, doc, canEdit }: { farmId: string; doc: ConfigDoc; canEdit: boolean }) {
  const { t } = useT();
  const [texts, setTexts] = useState(() => textsOf(doc));
  const [testOn, setTestOn] = useState(sirenTestOf(doc) !== null);
  const [cron, setCron] = useState(sirenTestOf(doc)?.cron ?? '0 9 * * 1');
  const [testSeconds, setTestSeconds] = useState(String(sirenTestOf(doc)?.durationSeconds ?? 30));
  const [problems, setProblems] = useState<Partial<Record<string, Problem>>>({});
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  // A newer version (the edge's or this save coming back) replaces what the form shows.
  useEffect(() => {
    setTexts(textsOf(doc));
    setTestOn(sirenTestOf(doc) !== null);
    setCron(sirenTestOf(doc)?.cron ?? '0 9 * * 1');
    setTestSeconds(String(sirenTestOf(doc)?.durationSeconds ?? 30));
  }, [doc.hlc]);

  const save = async (event: Event) => {
    event.preventDefault();
    setFeedback(null);
    const read = readFields(texts);
    const found: Partial<Record<string, Problem>> = { ...read.problems };
    const seconds = Number(testSeconds);
    if (testOn && !(Number.isInteger(seconds) && seconds >= 5 && seconds <= 600)) found.testSeconds = { key: 'errRange', min: 5, max: 600 };
    if (testOn && cron.trim().split(/\s+/).length !== 5) found.cron = { key: 'errCron' };
    setProblems(found);
    if (Object.keys(found).length > 0) return setFeedback({ kind: 'error', key: 'errFixFields' });
    const patch = changedFields(doc, read.values, testOn ? { cron: cron.trim(), durationSeconds: seconds } : null);
    if (Object.keys(patch).length === 0) return setFeedback({ kind: 'ok', key: 'nothingChanged' });
    setBusy(true);
    try {
      await api.patch(`/v1/farms/${encodeURIComponent(farmId)}/alarm-settings`, patch);
      setFeedback({ kind: 'ok', key: 'saved' });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      // A pattern of the right shape that names no real time (minute 99): say it under the field.
      if (error instanceof ApiError && /test\.cron/.test(error.message)) setProblems({ cron: { key: 'errCron' } });
      setFeedback({ kind: 'error', key: code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : 'saveFailed', ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) });
    } finally {
      setBusy(false);
    }
  };

  const disabled = !canEdit;
  return html`<form class="card editor" noValidate onSubmit=${save} data-testid="alarm-limits">
    <div class="limit-fields">
      ${FIELDS.map(
        (field) => html`<${NumberInput} key=${field.name} id=${`alarm-${field.name}`} label=${t(field.label)} value=${texts[field.name]} disabled=${disabled}
          problem=${problems[field.name]} onInput=${(value: string) => setTexts({ ...texts, [field.name]: value })} />`,
      )}
    </div>
    <label class="check"><input type="checkbox" id="alarm-test-on" checked=${testOn} disabled=${disabled} onChange=${(event: Event) => setTestOn((event.target as HTMLInputElement).checked)} /> ${t('alarmTestOn')}</label>
    ${testOn
      ? html`<div class="limit-fields">
          <div>
            <label for="alarm-cron">${t('alarmTestCron')}</label>
            <input id="alarm-cron" value=${cron} disabled=${disabled} autocapitalize="none" spellcheck=${false} lang="en"
              aria-invalid=${problems.cron ? 'true' : undefined} aria-describedby=${problems.cron ? 'alarm-cron-problem' : undefined}
              onInput=${(event: Event) => setCron((event.target as HTMLInputElement).value)} />
            <${FieldProblem} id="alarm-cron" problem=${problems.cron} />
          </div>
          <${NumberInput} id="alarm-test-seconds" label=${t('alarmTestSeconds')} value=${testSeconds} disabled=${disabled} problem=${problems.testSeconds} onInput=${setTestSeconds} />
        </div>`
      : null}
    ${canEdit
      ? html`<button type="submit" class="main wide" disabled=${busy} data-testid="save-alarm-limits">${busy ? t('saving') : t('save')}</button>`
      : html`<p class="muted small" data-testid="alarm-limits-read-only">${t('notAllowed')}</p>`}
    ${feedback
      ? html`<p class=${`feedback ${feedback.kind}`} role=${feedback.kind === 'error' ? 'alert' : 'status'} data-testid="alarm-limits-feedback">
          <${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} /> ${t(feedback.key)}${feedback.detail ? html` <span lang="en">(${feedback.detail})</span>` : null}
        </p>`
      : null}
  </form>`;
}

/**
 * The farm's alarm limits and delays, from the offline copy (the `alarm_settings` document the
 * edge reports), saved with PATCH /v1/farms/:farmId/alarm-settings; the edge applies the edit
 * after the same checks as one made on the farm.
 */
export function AlarmLimits({ farmId }: { farmId: string }) {
  const { t } = useT();
  const copy = useStore(replica);
  const state = useStore(store);
  const canEdit = atLeast(roleOn(farmId), 'manager') && state.reachable;
  const doc = copy.farmId === farmId ? copy.docs.alarm_settings.find((item) => item.id === farmId) : undefined;
  return html`<details class="limits" data-testid="alarm-limits-section">
    <summary><${Icon} name="alarm" /> ${t('alarmLimitsTitle')}</summary>
    ${doc
      ? html`<${AlarmLimitsForm} farmId=${farmId} doc=${doc} canEdit=${canEdit} />`
      : html`<p class="muted" data-testid="alarm-limits-missing">${t(copy.farmId === farmId && copy.status === 'ready' ? 'alarmLimitsMissing' : 'offlineCopyWaiting')}</p>`}
  </details>`;
}
