import { useEffect } from 'preact/hooks';
import { fill } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { link } from '../screens/link.js';
import { api, navigate, store } from '../state.js';
import { useStore } from '../store.js';
import { unreadBadge } from './notification-logic.js';
import { unread, UnreadWatcher } from './unread.js';

/**
 * The top bar's bell: a link to the inbox with the unread count as a number and a word ("3 new"),
 * named "Notifications: 3 new" for screen readers (the visible words are part of the name). Keeps the count current while someone is signed in.
 */
export function Bell() {
  const { t, locale } = useT();
  const { session, path } = useStore(store);
  const { count } = useStore(unread);
  const userId = session?.user.id ?? null;
  useEffect(() => {
    if (!userId) return undefined;
    const watcher = new UnreadWatcher({ userId, document, fetchCount: async () => (await api.get<{ count: number }>('/v1/notifications/unread-count')).count });
    watcher.start();
    return () => watcher.stop();
  }, [userId]);
  if (!userId) return null;
  const label = count ? fill(t('ntfBellUnread'), { count: unreadBadge(locale, count) }, locale) : t('ntfBellNone');
  return html`<a class=${count ? 'bell has-unread' : 'bell'} href="/notifications" title=${label} aria-current=${path === '/notifications' ? 'page' : undefined}
      data-testid="bell" data-unread=${String(count ?? 0)} onClick=${link(navigate)}>
    <${Icon} name="alarm" />
    ${count
      ? html`<span class="sr-only">${t('navNotifications')}:</span> <span class="bell-count" data-testid="bell-count">${unreadBadge(locale, count)}</span> <span>${t('ntfNewShort')}</span>`
      : html`<span class="sr-only">${t('ntfBellNone')}</span>`}
  </a>`;
}
