import { useEffect } from 'preact/hooks';
import type { FarmOverview } from '../api/types.js';
import { OnlineBadge } from '../components/coop-status.js';
import { Icon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatNumber, formatWhen } from '../i18n/i18n.js';
import { navigate, refreshFarms, store } from '../state.js';
import { useStore } from '../store.js';
import { link } from './link.js';

function coopCount(farm: FarmOverview): number {
  return typeof farm.coops === 'number' ? farm.coops : farm.coops.length;
}

/** Every farm of the account: online or not, when its controller last synced, open alarms. */
export function FarmsScreen() {
  const { t, locale } = useT();
  const { farms, session } = useStore(store);
  useEffect(() => {
    void refreshFarms().catch(() => undefined);
  }, []);
  // Platform administrators reach the rollouts from here; the API checks the flag again.
  const adminLink = session?.user.admin
    ? html`<a class="card card-link admin-link" href="/admin/firmware" data-testid="admin-firmware-link" onClick=${link(navigate)}>
        <span class="row-title"><span><${Icon} name="chip" /> ${t('navAdminFirmware')}</span><${Icon} name="chevron" /></span>
      </a>`
    : null;
  // The morning report and the inbox cover every farm, so they start here.
  const overviewLinks = html`<nav class="overview-links" aria-label=${t('farmsTitle')}>
    <a class="card card-link" href="/report" data-testid="report-link" onClick=${link(navigate)}>
      <span class="row-title"><span><${Icon} name="daily" /> ${t('navReport')}</span><${Icon} name="chevron" /></span>
    </a>
    <a class="card card-link" href="/notifications" data-testid="notifications-link" onClick=${link(navigate)}>
      <span class="row-title"><span><${Icon} name="alarm" /> ${t('navNotifications')}</span><${Icon} name="chevron" /></span>
    </a>
  </nav>`;
  if (!farms) return html`${adminLink}<p class="muted">${t('loading')}</p>`;
  return html`<h1>${t('farmsTitle')}</h1>
    <${LastSynced} at=${farms.savedAt} />
    ${overviewLinks}
    ${adminLink}
    ${farms.data.length === 0 ? html`<p class="card">${t('noFarms')}</p>` : null}
    <ul class="farm-list" data-testid="farm-list">
      ${farms.data.map(
        (farm) => html`<li class="card" data-testid="farm-card" key=${farm.id}>
          <a class="card-link" href=${`/farms/${encodeURIComponent(farm.id)}`} onClick=${link(navigate)}>
            <h2 class="row-title"><span>${farm.name}</span><${Icon} name="chevron" /></h2>
            <div class="meta">
              <${OnlineBadge} online=${farm.online} />
              <span class=${farm.openAlarms > 0 ? 'tag alarm-tag' : 'tag'} data-testid="farm-alarms">
                <${Icon} name=${farm.openAlarms > 0 ? 'alarm' : 'check'} size=${18} />
                ${farm.openAlarms > 0 ? `${t('openAlarms')}: ${formatNumber(locale, farm.openAlarms)}` : t('noOpenAlarms')}
              </span>
              <span class="tag">${t('coopsCount')}: ${formatNumber(locale, coopCount(farm))}</span>
            </div>
            <p class="muted small">${t('farmLastSync')}: ${farm.lastSyncAt ? formatWhen(locale, farm.lastSyncAt, undefined) : t('never')}</p>
          </a>
        </li>`,
      )}
    </ul>`;
}
