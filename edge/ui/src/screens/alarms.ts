import { useEffect, useState } from 'preact/hooks';
import type { AlarmView } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatTime } from '../i18n/i18n.js';
import { formatWhy } from '../reason-text.js';
import type { MessageKey } from '../i18n/en.js';
import { api, refreshAlarms, refreshCoops, store } from '../state.js';
import { useStore } from '../store.js';

/** Open alarms, newest first: what, where, since when; acknowledge each; silence the siren. */
export function AlarmsScreen() {
  const { t } = useT();
  const { alarms, session } = useStore(store);
  const [silenced, setSilenced] = useState(false);
  useEffect(() => void refreshAlarms().catch(() => undefined), []);
  const canAct = session?.user.role !== 'viewer';
  const silence = async () => {
    await api.post('/api/siren/silence');
    setSilenced(true);
  };
  return html`<section>
    <h1>${t('alarmsTitle')}</h1>
    ${canAct
      ? html`<button type="button" class="main siren wide" onClick=${() => void silence().catch(() => undefined)}><${Icon} name="siren" /> ${t('silenceSiren')}</button>
          ${silenced ? html`<p class="feedback ok" role="status"><${Icon} name="check" /> ${t('sirenSilenced')}</p>` : null}`
      : null}
    ${!alarms
      ? html`<p class="muted">${t('loading')}</p>`
      : alarms.length === 0
        ? html`<p class="empty"><${Icon} name="check" /> ${t('noAlarms')}</p>`
        : html`<ul class="alarm-list">${alarms.map((alarm) => html`<${AlarmItem} key=${alarm.id} alarm=${alarm} canAct=${canAct} />`)}</ul>`}
  </section>`;
}

function AlarmItem({ alarm, canAct }: { alarm: AlarmView; canAct: boolean }) {
  const { t, locale } = useT();
  const { timezone, coops } = useStore(store);
  const coop = coops?.find((item) => item.id === alarm.coopId);
  const message = formatWhy(t, locale, alarm.why);
  const acknowledge = async () => {
    await api.post(`/api/alarms/${encodeURIComponent(alarm.id)}/acknowledge`);
    await Promise.all([refreshAlarms(), refreshCoops()]);
  };
  return html`<li class=${`card alarm severity-${alarm.severity} state-${alarm.state}`} data-testid="alarm">
    <h2><${Icon} name="warning" /> ${t(`alarm_${alarm.kind}` as MessageKey)}</h2>
    <p class="meta">
      <span class="tag">${t(`severity_${alarm.severity}` as MessageKey)}</span>
      <span class="tag" data-testid="alarm-state">${t(alarm.state as MessageKey)}</span>
      ${coop ? html`<span>${coop.name}</span>` : null}
      <span class="muted">${formatTime(locale, alarm.raisedAt, timezone)}</span>
    </p>
    ${message === null ? html`<p class="muted" lang="en">${alarm.message}</p>` : html`<p class="muted" data-testid="alarm-why">${message}</p>`}
    ${canAct && alarm.state === 'raised'
      ? html`<button type="button" class="main wide" onClick=${() => void acknowledge().catch(() => undefined)}><${Icon} name="check" /> ${t('acknowledge')}</button>`
      : null}
  </li>`;
}
