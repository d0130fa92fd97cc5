import type { NotificationView } from '../api/report-types.js';
import type { MessageKey } from '../i18n/en.js';
import { keyOr, localDigits, type Locale, type Translate } from '../i18n/i18n.js';

/** The server keeps notifications this long; a saved copy may hold older ones, which are not shown. */
export const NOTIFICATION_RETENTION_MS = 90 * 24 * 3_600_000;
/** The most the API lists in one answer; the bell says "500+" beyond it. */
export const NOTIFICATION_LIMIT = 500;
/** The server's time zone for a farm that has none (docs/cloud/farm-api.md). */
export const DEFAULT_FARM_TIME_ZONE = 'Asia/Phnom_Penh';

/** What a notification is about, read from its structured parts so it can be said in any language. */
export type NotificationMeaning =
  | { kind: 'alarm'; severity: MessageKey; alarm: MessageKey }
  | { kind: 'edgeSilent' }
  | { kind: 'other' };

/** A farm as the inbox names it: its name and the clock its times are shown on. */
export interface FarmLabel {
  name: string;
  timeZone: string;
}

/**
 * The meaning of a notification: an alarm's severity and kind as the API gives them. Copies saved
 * on the device before the API gave them carry only the English title ("Critical alarm:
 * temperature high"), which is read back; anything unrecognised becomes a generic alarm rather
 * than English on a Khmer page.
 */
export function readMeaning(notification: Pick<NotificationView, 'kind' | 'title' | 'alarm'>): NotificationMeaning {
  if (notification.kind === 'edge_silent') return { kind: 'edgeSilent' };
  if (notification.kind !== 'alarm_raised') return { kind: 'other' };
  if (notification.alarm) {
    return {
      kind: 'alarm',
      severity: notification.alarm.severity === 'critical' ? 'severity_critical' : 'severity_warning',
      alarm: keyOr('alarm_', notification.alarm.kind, 'alarm_other'),
    };
  }
  const match = /^(Critical alarm|Warning): (.+)$/.exec(notification.title);
  const severity: MessageKey = match?.[1] === 'Critical alarm' ? 'severity_critical' : 'severity_warning';
  const alarm = match ? keyOr('alarm_', match[2]!.trim().replace(/ /g, '_'), 'alarm_other') : 'alarm_other';
  return { kind: 'alarm', severity, alarm };
}

/** The notification's title in the person's language. */
export function titleOf(t: Translate, meaning: NotificationMeaning): string {
  if (meaning.kind === 'alarm') return `${t(meaning.severity)}: ${t(meaning.alarm)}`;
  return t(meaning.kind === 'edgeSilent' ? 'ntfEdgeSilentTitle' : 'ntfOther');
}

/**
 * The body in the person's language: the server's text is English (an alarm's body is the edge's
 * message), so it is shown in English only; in Khmer a known kind gets its own sentence.
 */
export function bodyOf(locale: Locale, t: Translate, notification: Pick<NotificationView, 'body'>, meaning: NotificationMeaning): string | null {
  if (locale === 'en') return notification.body || null;
  return meaning.kind === 'edgeSilent' ? t('ntfEdgeSilentBody') : null;
}

/** Newest first, within the retention window: what the inbox lists (also from an old saved copy). */
export function listedNotifications(items: readonly NotificationView[], now: number): NotificationView[] {
  return items.filter((item) => item.createdAt > now - NOTIFICATION_RETENTION_MS).sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id));
}

export function countUnread(items: readonly NotificationView[]): number {
  return items.reduce((count, item) => count + (item.readAt === null ? 1 : 0), 0);
}

/** The list with one notification read (unchanged when it was read already or is not listed). */
export function withRead(items: readonly NotificationView[], id: string, at: number): NotificationView[] {
  return items.map((item) => (item.id === id && item.readAt === null ? { ...item, readAt: at } : item));
}

/** The bell's number in the language's digits; "500+" when the answer was cut at the API's limit. */
export function unreadBadge(locale: Locale, count: number, limit = NOTIFICATION_LIMIT): string {
  return localDigits(locale, count >= limit ? `${limit}+` : String(count));
}

/**
 * Each listed farm's name and clock: from what the app already knows (its farms, the farm pages
 * it saved), the farm id and the server's default zone when it knows nothing yet.
 */
export function labelFarms(farmIds: Iterable<string>, known: (farmId: string) => { name?: string | undefined; timeZone?: string | undefined }): Record<string, FarmLabel> {
  const out: Record<string, FarmLabel> = {};
  for (const farmId of farmIds) {
    const seen = known(farmId);
    out[farmId] = { name: seen.name || farmId, timeZone: seen.timeZone || DEFAULT_FARM_TIME_ZONE };
  }
  return out;
}
