import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { ManualResult, OutputView } from '../api/types.js';
import { html } from '../html.js';
import { formatTime } from '../i18n/i18n.js';
import { formatWhy } from '../reason-text.js';
import type { MessageKey } from '../i18n/en.js';
import { api, refreshCoops, store } from '../state.js';
import { useStore } from '../store.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { Icon, outputIcon } from './icons.js';
import { useT } from './use-t.js';

const DURATIONS: Array<{ seconds: number; key: MessageKey }> = [
  { seconds: 900, key: 'minutes15' },
  { seconds: 3600, key: 'hour1' },
  { seconds: 14_400, key: 'hours4' },
];

/** Switching these is what can hurt birds, so it asks first. */
export function riskOf(kind: string, state: 'on' | 'off'): MessageKey | null {
  if (kind === 'heater' && state === 'on') return 'confirmHeaterOn';
  if (kind === 'fan' && state === 'off') return 'confirmFanOff';
  return null;
}

/** A message key and the server's own words, translated at render so a language switch applies. */
type Feedback = { kind: 'ok' | 'warn' | 'error'; key: MessageKey; detail?: string } | null;

/** One output: state in words, why, and manual control that always expires. */
export function OutputControl({ output, canControl }: { output: OutputView; canControl: boolean }) {
  const { t, locale } = useT();
  const { timezone } = useStore(store);
  const [seconds, setSeconds] = useState(3600);
  const [pending, setPending] = useState<'on' | 'off' | null>(null);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const state = output.current?.state ?? null;
  const headingId = `output-${output.id}`;
  const why = output.current ? formatWhy(t, locale, output.current.why) : null;

  const send = async (target: 'on' | 'off') => {
    setPending(null);
    setBusy(true);
    setFeedback(null);
    try {
      const result = await api.post<ManualResult>(`/api/outputs/${encodeURIComponent(output.id)}/manual`, { state: target, durationSeconds: seconds, reason: 'manual control from the farm app' });
      if (result.decision.source !== 'manual') setFeedback({ kind: 'warn', key: 'heldBack', detail: result.decision.reason });
      else if (result.confirmed === true) setFeedback({ kind: 'ok', key: 'confirmed' });
      else if (result.confirmed === false) setFeedback({ kind: 'error', key: 'notConfirmed' });
      else setFeedback({ kind: 'warn', key: 'waiting' });
      await refreshCoops();
    } catch (error) {
      setFeedback({ kind: 'error', key: 'errorGeneric', ...(error instanceof ApiError ? { detail: error.message } : {}) });
    } finally {
      setBusy(false);
    }
  };
  const ask = (target: 'on' | 'off') => (riskOf(output.kind, target) ? setPending(target) : void send(target));
  const release = async () => {
    setBusy(true);
    try {
      await api.delete(`/api/outputs/${encodeURIComponent(output.id)}/manual`);
      setFeedback(null);
      await refreshCoops();
    } finally {
      setBusy(false);
    }
  };

  return html`<article class="card output" aria-labelledby=${headingId} data-testid=${`output-${output.id}`}>
    <div class="output-head">
      <${Icon} name=${outputIcon(output.kind)} size=${32} />
      <h3 id=${headingId}>${output.name}</h3>
      <span class=${`state state-${state ?? 'unknown'}`} data-testid="output-state">
        <${Icon} name=${state === 'on' ? 'power' : state === 'off' ? 'minus' : 'warning'} size=${20} />
        ${state === 'on' ? t('stateOn') : state === 'off' ? t('stateOff') : t('stateUnknown')}
      </span>
    </div>
    ${output.current
      ? html`<p class="why"><strong>${t('why')}:</strong> <span class="source">${t(`source_${output.current.source}` as MessageKey)}</span> · ${why === null ? html`<span lang="en">${output.current.reason}</span>` : html`<span data-testid="why">${why}</span>`}</p>`
      : null}
    ${output.manual ? html`<p class="manual-until">${t('manualUntil')} ${formatTime(locale, output.manual.expiresAt, timezone)}</p>` : null}
    ${!output.active
      ? html`<p class="inactive"><${Icon} name="warning" /> ${output.installed ? t('nodeOffline') : t('notInstalled')}</p>`
      : canControl
        ? html`<fieldset class="durations">
              <legend>${t('forHowLong')}</legend>
              ${DURATIONS.map(
                (duration) => html`<label class=${seconds === duration.seconds ? 'choice selected' : 'choice'}>
                  <input type="radio" name=${`duration-${output.id}`} checked=${seconds === duration.seconds} onChange=${() => setSeconds(duration.seconds)} />
                  ${t(duration.key)}
                </label>`,
              )}
            </fieldset>
            <div class="actions">
              <button type="button" class="main on" disabled=${busy} onClick=${() => ask('on')}><${Icon} name="power" /> ${t('turnOn')}</button>
              <button type="button" class="main off" disabled=${busy} onClick=${() => ask('off')}><${Icon} name="minus" /> ${t('turnOff')}</button>
            </div>
            ${output.manual ? html`<button type="button" class="secondary wide" disabled=${busy} onClick=${release}>${t('backToAuto')}</button>` : null}`
        : null}
    ${feedback ? html`<p class=${`feedback ${feedback.kind}`} role="status"><${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} /> ${t(feedback.key)}${feedback.detail ? html`: <span lang="en">${feedback.detail}</span>` : null}</p>` : null}
    ${pending ? html`<${ConfirmDialog} message=${t(riskOf(output.kind, pending)!)} onYes=${() => void send(pending)} onNo=${() => setPending(null)} />` : null}
  </article>`;
}
