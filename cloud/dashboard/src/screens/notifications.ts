import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { NotificationView } from '../api/report-types.js';
import type { FarmDetail } from '../api/types.js';
import { fill } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatWhen, localDigits } from '../i18n/i18n.js';
import { bodyOf, countUnread, labelFarms, listedNotifications, NOTIFICATION_LIMIT, readMeaning, titleOf, withRead, type FarmLabel } from '../notifications/notification-logic.js';
import { ReadBatcher } from '../notifications/read-batcher.js';
import { setUnreadCount, unread } from '../notifications/unread.js';
import { readSnapshot, writeSnapshot, type Snapshot } from '../offline/snapshots.js';
import { api, currentUser, navigate, store } from '../state.js';
import { useStore } from '../store.js';
import { link } from './link.js';

/** The list and the farms it names, kept together so the inbox opens offline with names and clocks. */
interface Inbox {
  items: NotificationView[];
  farms: Record<string, FarmLabel>;
}

const SNAPSHOT = 'notifications';
/** On screen this long before a notification counts as read: a glance, not a fast scroll past it. */
const SEEN_AFTER_MS = 1000;

function saved(): Snapshot<Inbox> | null {
  const user = currentUser();
  return user ? readSnapshot<Inbox>(user.id, SNAPSHOT) : null;
}

function keep(inbox: Inbox, savedAt?: number): Snapshot<Inbox> {
  const user = currentUser();
  return user ? writeSnapshot(user.id, SNAPSHOT, inbox, savedAt) : { savedAt: savedAt ?? Date.now(), data: inbox };
}

/** Name and clock of each farm in the list: known ones from the app, the others asked once from the API. */
async function labelsFor(items: readonly NotificationView[], before: Record<string, FarmLabel>): Promise<Record<string, FarmLabel>> {
  const state = store.get();
  const farmIds = [...new Set(items.map((item) => item.farmId))];
  const user = currentUser();
  const detail = (farmId: string) => state.farm[farmId]?.data ?? (user ? readSnapshot<FarmDetail>(user.id, `farm.${farmId}`)?.data : undefined);
  // The API names each notification's farm and clock; older saved copies may not.
  const given = new Map(items.filter((item) => item.farmName && item.timeZone).map((item) => [item.farmId, { name: item.farmName, timeZone: item.timeZone }]));
  const missing = farmIds.filter((farmId) => !given.has(farmId) && !detail(farmId)?.timeZone && !before[farmId]);
  const fetched = new Map<string, FarmDetail>();
  await Promise.all(missing.map((farmId) => api.get<FarmDetail>(`/v1/farms/${encodeURIComponent(farmId)}`).then((farm) => void fetched.set(farmId, farm), () => undefined)));
  return labelFarms(farmIds, (farmId) => {
    const named = given.get(farmId);
    if (named) return named;
    const farm = fetched.get(farmId) ?? detail(farmId);
    const name = farm?.name ?? state.farms?.data.find((item) => item.id === farmId)?.name ?? state.memberships?.find((item) => item.farmId === farmId)?.farmName ?? before[farmId]?.name;
    return { name, timeZone: farm?.timeZone ?? before[farmId]?.timeZone };
  });
}

/**
 * Calls `onSeen` once the element has been at least half on screen for a moment: opening the
 * inbox marks what the person actually saw, and anything further down waits for them.
 */
function useSeen(enabled: boolean, onSeen: () => void) {
  const ref = useRef<HTMLLIElement>(null);
  const seen = useRef(onSeen);
  seen.current = onSeen;
  useEffect(() => {
    const element = ref.current;
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return undefined;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting) timer ??= setTimeout(() => seen.current(), SEEN_AFTER_MS);
        else if (timer) {
          clearTimeout(timer);
          timer = null;
        }
      },
      { threshold: 0.5 },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    };
  }, [enabled]);
  return ref;
}

function NotificationItem({ item, farm, onRead }: { item: NotificationView; farm: FarmLabel | undefined; onRead: (id: string) => Promise<boolean> }) {
  const { t, locale } = useT();
  const { reachable } = useStore(store);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const isUnread = item.readAt === null;
  const mark = async () => {
    setBusy(true);
    const ok = await onRead(item.id);
    setBusy(false);
    setFailed(!ok);
  };
  const ref = useSeen(isUnread && reachable && !failed && !busy, () => void mark());
  const meaning = readMeaning(item);
  const body = bodyOf(locale, t, item, meaning);
  return html`<li ref=${ref} class=${`card notification ${isUnread ? 'unread' : 'read'}`} data-testid="notification" data-id=${item.id} data-read=${String(!isUnread)}>
    <h2 class="notification-title"><${Icon} name=${meaning.kind === 'edgeSilent' ? 'offline' : 'alarm'} /> <span>${titleOf(t, meaning)}</span></h2>
    <div class="meta">
      <span class=${isUnread ? 'tag alarm-tag' : 'tag'} data-testid="notification-state"><${Icon} name=${isUnread ? 'warning' : 'check'} size=${18} /> ${t(isUnread ? 'ntfUnread' : 'ntfRead')}</span>
      <span class="tag" data-testid="notification-farm"><${Icon} name="farm" size=${18} /> ${farm?.name ?? item.farmId}</span>
    </div>
    <p class="muted small"><time datetime=${new Date(item.createdAt).toISOString()} data-testid="notification-time">${formatWhen(locale, item.createdAt, farm?.timeZone)}</time> ${t('fwFarmTime')}</p>
    ${body ? html`<p class="small" data-testid="notification-body">${body}</p>` : null}
    ${meaning.kind === 'edgeSilent' && typeof item.lastSeenAt === 'number'
      ? html`<p class="small" data-testid="notification-last-seen">${t('ntfLastContact')}: <time datetime=${new Date(item.lastSeenAt).toISOString()}>${formatWhen(locale, item.lastSeenAt, farm?.timeZone)}</time></p>`
      : null}
    <div class="notification-actions">
      ${meaning.kind === 'alarm'
        ? html`<a class="back" href=${`/farms/${encodeURIComponent(item.farmId)}/alarms`} onClick=${link(navigate)}><${Icon} name="chevron" /> ${t('ntfOpenAlarms')}</a>`
        : null}
      ${isUnread
        ? html`<button type="button" data-testid="mark-read" disabled=${busy || !reachable} onClick=${() => void mark()}><${Icon} name="check" /> ${t('ntfMarkRead')}</button>`
        : null}
    </div>
    ${failed ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> <span>${t('ntfMarkFailed')}</span></p>` : null}
  </li>`;
}

/**
 * Notifications of the person's farms over the last 90 days, newest first, each with its farm,
 * its time on the farm's clock and whether it was read. What has been on screen for a moment is
 * marked read; "mark read" does it at once. The last list is kept for reading offline.
 */
export function NotificationsScreen() {
  const { t, locale } = useT();
  const { alarms, count } = useStore(unread);
  // The bell's poll found more unread than the list holds: something arrived, so the list is asked again.
  const [behind, setBehind] = useState(0);
  const [snapshot, setSnapshot] = useState<Snapshot<Inbox> | null>(saved);
  const [failed, setFailed] = useState<MessageKey | null>(null);
  const current = useRef(snapshot);
  current.current = snapshot;

  useEffect(() => {
    let live = true;
    (async () => {
      const items = await api.get<NotificationView[]>(`/v1/notifications?limit=${NOTIFICATION_LIMIT}`);
      const farms = await labelsFor(items, current.current?.data.farms ?? {});
      if (!live) return;
      const next = keep({ items, farms });
      setSnapshot(next);
      setFailed(null);
      const user = currentUser();
      // The list holds every unread one unless it was cut at the limit: then the bell's own count stands.
      if (user && items.length < NOTIFICATION_LIMIT) setUnreadCount(user.id, countUnread(items));
    })().catch((error: unknown) => live && setFailed(error instanceof ApiError && error.code === 'UNREACHABLE' ? 'unreachable' : 'errorGeneric'));
    return () => {
      live = false;
    };
  }, [alarms, behind]);

  useEffect(() => {
    const listed = current.current?.data.items;
    if (count !== null && listed && count > countUnread(listed)) setBehind((value) => value + 1);
  }, [count]);

  const batcher = useMemo(() => new ReadBatcher(async (ids) => (await api.post<{ read: string[] }>('/v1/notifications/read', { ids })).read), []);
  const markRead = async (id: string): Promise<boolean> => {
    if (!(await batcher.mark(id))) return false;
    const before = current.current;
    if (before) {
      const wasUnread = before.data.items.some((item) => item.id === id && item.readAt === null);
      const next = keep({ ...before.data, items: withRead(before.data.items, id, Date.now()) }, before.savedAt);
      current.current = next;
      setSnapshot(next);
      const user = currentUser();
      const count = unread.get().count;
      if (user && wasUnread && count) setUnreadCount(user.id, count - 1);
    }
    return true;
  };

  const items = snapshot ? listedNotifications(snapshot.data.items, Date.now()) : [];
  const unreadNow = countUnread(items);
  return html`<h1>${t('ntfTitle')}</h1>
    <p class="muted small">${t('ntfIntro')}</p>
    <${LastSynced} at=${snapshot?.savedAt} testId="notifications-synced" />
    ${failed === 'errorGeneric' || (failed && !snapshot) ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> <span>${t(failed)}</span></p>` : null}
    ${snapshot
      ? html`<p class="small" data-testid="notifications-summary" role="status">
            ${unreadNow > 0 ? fill(t('ntfUnreadSummary'), { count: unreadNow }, locale) : t('ntfAllRead')}
            ${items.length > 0 ? html` · ${localDigits(locale, String(items.length))} ${t('ntfListed')}` : null}
          </p>
          <p class="muted small">${t('ntfSeenHelp')}</p>
          ${items.length === 0
            ? html`<p class="empty card" data-testid="notifications-empty"><${Icon} name="check" /> ${t('ntfEmpty')}</p>`
            : html`<ul class="notification-list" data-testid="notification-list">
                ${items.map((item) => html`<${NotificationItem} key=${item.id} item=${item} farm=${snapshot.data.farms[item.farmId]} onRead=${markRead} />`)}
              </ul>`}`
      : failed
        ? null
        : html`<p class="muted">${t('loading')}</p>`}`;
}
