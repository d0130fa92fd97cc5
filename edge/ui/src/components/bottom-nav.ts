import { html } from '../html.js';
import { navigate, store } from '../state.js';
import { useStore } from '../store.js';
import type { MessageKey } from '../i18n/en.js';
import { Icon, type IconName } from './icons.js';
import { formatNumber } from '../i18n/i18n.js';
import { useT } from './use-t.js';

const TABS: Array<{ path: string; icon: IconName; label: MessageKey; manager?: boolean }> = [
  { path: '/', icon: 'home', label: 'navHome' },
  { path: '/alarms', icon: 'alarm', label: 'navAlarms' },
  { path: '/daily', icon: 'daily', label: 'navDaily' },
  { path: '/manage', icon: 'manage', label: 'navManage', manager: true },
];

/** Thumb-reachable tabs with icon and word; the alarm tab carries the open count. */
export function BottomNav() {
  const { t, locale } = useT();
  const { path, alarms, session } = useStore(store);
  const open = (alarms ?? []).filter((alarm) => alarm.state === 'raised').length;
  const isManager = session?.user.role === 'owner' || session?.user.role === 'manager';
  return html`<nav class="bottom-nav" aria-label=${t('appName')}>
    ${TABS.filter((tab) => !tab.manager || isManager).map((tab) => {
      const current = tab.path === '/' ? path === '/' || path.startsWith('/coops/') : path.startsWith(tab.path);
      return html`<a href=${tab.path} aria-current=${current ? 'page' : undefined}
        onClick=${(event: MouseEvent) => { event.preventDefault(); navigate(tab.path); }}>
        <${Icon} name=${tab.icon} />
        <span>${t(tab.label)}</span>
        ${tab.path === '/alarms' && open > 0 ? html`<span class="badge">${formatNumber(locale, open)}</span>` : null}
      </a>`;
    })}
  </nav>`;
}
