import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { Alarm } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatWhen, keyOr } from '../i18n/i18n.js';
import { atLeast } from '../roles.js';
import { api, refreshAlarms, roleOn, store } from '../state.js';
import { useStore } from '../store.js';
import { AlarmLimits } from './alarm-limits.js';

/** One alarm with its kind, severity, state in words, and "acknowledge" for workers and up. */
export function AlarmItem({ farmId, alarm, coopName }: { farmId: string; alarm: Alarm; coopName: string | undefined }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const [sent, setSent] = useState<MessageKey | null>(null);
  const timeZone = state.farm[farmId]?.data.timeZone;
  const canAck = atLeast(roleOn(farmId), 'worker') && alarm.state === 'raised' && state.reachable;
  const acknowledge = async () => {
    try {
      await api.post(`/v1/farms/${encodeURIComponent(farmId)}/alarms/${encodeURIComponent(alarm.alarmId)}/acknowledge`);
      setSent('ackSent');
    } catch (error) {
      setSent(error instanceof ApiError && error.code === 'FORBIDDEN' ? 'notAllowed' : 'saveFailed');
    }
  };
  const stateKey: MessageKey = alarm.state === 'acknowledged' ? 'acknowledged' : alarm.state === 'cleared' ? 'cleared' : 'raised';
  return html`<li class=${`card alarm severity-${alarm.severity} state-${alarm.state}`} data-testid="alarm">
    <h3><${Icon} name="alarm" /> ${t(keyOr('alarm_', alarm.kind, 'alarm_other'))}</h3>
    <div class="meta">
      <span class="tag">${t(keyOr('severity_', alarm.severity, 'severity_warning'))}</span>
      <span class="tag">${t(stateKey)}</span>
      ${coopName ? html`<span class="tag">${coopName}</span>` : null}
    </div>
    <p class="muted small">${t('raisedAt')}: ${formatWhen(locale, alarm.raisedAt, timeZone)}</p>
    ${locale === 'en' && alarm.message ? html`<p class="small">${alarm.message}</p>` : null}
    ${canAck && !sent ? html`<button type="button" class="main wide" onClick=${() => void acknowledge()} data-testid="acknowledge"><${Icon} name="check" /> ${t('acknowledge')}</button>` : null}
    ${sent ? html`<p class=${`feedback ${sent === 'ackSent' ? 'ok' : 'error'}`} role="status"><${Icon} name=${sent === 'ackSent' ? 'check' : 'warning'} /> ${t(sent)}</p>` : null}
  </li>`;
}

/** The farm's alarms: open ones (kept offline) or all of them. */
export function FarmAlarms({ farmId }: { farmId: string }) {
  const { t } = useT();
  const state = useStore(store);
  const [which, setWhich] = useState<'open' | 'all'>('open');
  const [all, setAll] = useState<Alarm[] | null>(null);
  useEffect(() => {
    if (which === 'all') void refreshAlarms(farmId, 'all').then(setAll, () => undefined);
    else void refreshAlarms(farmId).catch(() => undefined);
  }, [farmId, which]);
  const open = state.alarms[farmId];
  const list = which === 'all' ? all : (open?.data ?? null);
  const coops = state.farm[farmId]?.data.coops ?? [];
  const coopName = (id: string | null) => coops.find((coop) => coop.id === id)?.name;
  return html`<h2>${t('alarmsTitle')}</h2>
    <${AlarmLimits} farmId=${farmId} />
    <div class="ranges" role="group" aria-label=${t('alarmsTitle')}>
      <button type="button" class=${which === 'open' ? 'choice selected' : 'choice'} aria-pressed=${which === 'open'} onClick=${() => setWhich('open')}>${t('showOpen')}</button>
      <button type="button" class=${which === 'all' ? 'choice selected' : 'choice'} aria-pressed=${which === 'all'} onClick=${() => setWhich('all')}>${t('showAll')}</button>
    </div>
    ${which === 'open' && open ? html`<${LastSynced} at=${open.savedAt} timeZone=${state.farm[farmId]?.data.timeZone} testId="alarms-synced" />` : null}
    ${list === null
      ? html`<p class="muted">${t('loading')}</p>`
      : list.length === 0
        ? html`<p class="empty"><${Icon} name="check" /> ${t('noOpenAlarms')}</p>`
        : html`<ul class="alarm-list">${list.map((alarm) => html`<${AlarmItem} key=${alarm.alarmId} farmId=${farmId} alarm=${alarm} coopName=${coopName(alarm.coopId)} />`)}</ul>`}`;
}
