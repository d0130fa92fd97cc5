import { Band, Celsius } from '../components/temperature.js';
import { CoopStatusBadge } from '../components/coop-status.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatNumber } from '../i18n/i18n.js';
import { replica } from '../offline/replica-handle.js';
import { navigate, store } from '../state.js';
import { useStore } from '../store.js';
import { link } from './link.js';
import type { CoopSummary } from '../api/types.js';

/** The farm's coops with their live temperature, verdict, target and open alarms. */
export function FarmCoops({ farmId }: { farmId: string }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const copy = useStore(replica);
  const farm = state.farm[farmId];
  // No API answer yet and none saved: the offline copy still knows the coops' names.
  const coops: CoopSummary[] =
    farm?.data.coops ??
    (copy.farmId === farmId
      ? copy.docs.coops.map((coop) => ({ id: coop.id, name: String(coop.name ?? coop.id), temperatureC: null, humidityPercent: null, targetLowC: null, targetHighC: null, status: 'unknown' as const, outputsOn: 0, openAlarms: 0, updatedAt: null }))
      : []);
  if (!farm && coops.length === 0) return html`<p class="muted">${t('loading')}</p>`;
  return html`<h2>${t('coopsTitle')}</h2>
    ${coops.length === 0 ? html`<p class="card">${t('noCoops')}</p>` : null}
    <ul class="coop-grid">
      ${coops.map(
        (coop) => html`<li class="card" key=${coop.id} data-testid="coop-card">
          <a class="card-link" href=${`/farms/${encodeURIComponent(farmId)}/coops/${encodeURIComponent(coop.id)}`} onClick=${link(navigate)}>
            <h3 class="row-title"><span>${coop.name}</span><${Icon} name="chevron" /></h3>
            <div class="big-temp"><${Celsius} value=${coop.temperatureC} /> <${CoopStatusBadge} status=${coop.status} /></div>
            <p class="muted">${`${t('humidity')}: ${coop.humidityPercent === null ? '—' : `${formatNumber(locale, coop.humidityPercent)} %`}`}</p>
            <p class="muted"><${Band} low=${coop.targetLowC} high=${coop.targetHighC} /></p>
            <p class=${coop.openAlarms > 0 ? 'alarm-line has-alarms' : 'alarm-line'}>
              <${Icon} name=${coop.openAlarms > 0 ? 'alarm' : 'check'} size=${20} />
              <span>${coop.openAlarms > 0 ? `${t('openAlarms')}: ${formatNumber(locale, coop.openAlarms)}` : t('noOpenAlarms')}</span>
            </p>
            <p class="muted">${`${t('running')}: ${formatNumber(locale, coop.outputsOn)}`}</p>
          </a>
        </li>`,
      )}
    </ul>`;
}
