import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { OnlineBadge } from '../components/coop-status.js';
import { Icon, type IconName } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatNumber, formatWhen } from '../i18n/i18n.js';
import { LiveFarm } from '../live.js';
import { openReplica, replica } from '../offline/replica-handle.js';
import { loadSavedFarm, navigate, refreshAlarms, refreshFarm, roleOn, store } from '../state.js';
import { useStore } from '../store.js';
import { link } from './link.js';

export type FarmTab = 'coops' | 'alarms' | 'schedules' | 'members' | 'firmware';

const TABS: Array<{ tab: FarmTab; label: MessageKey; icon: IconName; path: string }> = [
  { tab: 'coops', label: 'navCoops', icon: 'home', path: '' },
  { tab: 'alarms', label: 'navAlarms', icon: 'alarm', path: '/alarms' },
  { tab: 'schedules', label: 'navSchedules', icon: 'clock', path: '/schedules' },
  { tab: 'members', label: 'navMembers', icon: 'people', path: '/members' },
  { tab: 'firmware', label: 'navFirmware', icon: 'chip', path: '/firmware' },
];

let live: LiveFarm | null = null;

/**
 * Keeps one farm current while any of its pages is open: saved copy first, then the API, the
 * live stream and the offline copy. Returns true when the cloud says the farm is not ours.
 */
function useFarm(farmId: string): boolean {
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    setMissing(false);
    loadSavedFarm(farmId);
    void Promise.all([refreshFarm(farmId), refreshAlarms(farmId)]).catch((error: unknown) => {
      if (!(error instanceof ApiError) || (error.code !== 'NOT_FOUND' && error.code !== 'FORBIDDEN')) return;
      setMissing(true);
      live?.stop();
    });
    openReplica(farmId);
    live?.stop();
    live = new LiveFarm(farmId);
    live.start();
    return () => {
      live?.stop();
      live = null;
    };
  }, [farmId]);
  return missing;
}

/** A farm's header (name, online, last syncs, role), its tabs and the tab's content. */
export function FarmShell({ farmId, tab, children }: { farmId: string; tab: FarmTab | null; children: ComponentChildren }) {
  const { t, locale } = useT();
  const missing = useFarm(farmId);
  const state = useStore(store);
  const copy = useStore(replica);
  if (missing) return html`<h1>${t('notFound')}</h1><p><a class="back" href="/" onClick=${link(navigate)}>${t('back')}</a></p>`;
  const farm = state.farm[farmId];
  const overview = state.farms?.data.find((item) => item.id === farmId);
  const name = farm?.data.name ?? overview?.name ?? '';
  const online = farm?.data.online ?? overview?.online ?? false;
  const lastSyncAt = farm?.data.lastSyncAt ?? overview?.lastSyncAt ?? null;
  const openAlarms = state.alarms[farmId]?.data.length ?? farm?.data.openAlarms ?? 0;
  const role = roleOn(farmId);
  const base = `/farms/${encodeURIComponent(farmId)}`;
  return html`<section class="farm-head">
      <h1 data-testid="farm-name">${name || t('loading')}</h1>
      <div class="meta">
        <${OnlineBadge} online=${online} />
        ${state.live[farmId] ? html`<span class="verdict verdict-good" role="status"><span class="dot" aria-hidden="true"></span>${t('live')}</span>` : null}
        ${role ? html`<span class="tag">${t('youAre')}: ${t(`role_${role}`)}</span>` : null}
      </div>
      <p class="muted small">${t('farmLastSync')}: ${lastSyncAt ? formatWhen(locale, lastSyncAt, farm?.data.timeZone) : t('never')}</p>
      <${LastSynced} at=${farm?.savedAt} timeZone=${farm?.data.timeZone} />
      ${copy.farmId === farmId
        ? html`<p class="muted small synced" data-testid="offline-copy">
            <${Icon} name=${copy.status === 'failed' ? 'warning' : 'cloud'} size=${18} />
            <span>${t(copy.status === 'failed' ? 'offlineCopyFailed' : copy.syncedAt ? 'offlineCopyReady' : 'offlineCopyWaiting')}</span>
            ${copy.syncedAt ? html`<time data-testid="offline-copy-synced">(${formatWhen(locale, copy.syncedAt, farm?.data.timeZone)})</time>` : null}
          </p>`
        : null}
    </section>
    <nav class="tabs" aria-label=${name}>
      ${TABS.map(
        (item) => html`<a href=${`${base}${item.path}`} aria-current=${item.tab === tab ? 'page' : undefined} onClick=${link(navigate)}>
          <${Icon} name=${item.icon} /> <span>${t(item.label)}</span>
          ${item.tab === 'alarms' && openAlarms > 0 ? html`<span class="badge" data-testid="alarm-badge">${formatNumber(locale, openAlarms)}</span>` : null}
        </a>`,
      )}
    </nav>
    ${children}`;
}
