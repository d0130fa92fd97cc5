import { html } from '../html.js';
import { formatWhen } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** "Last synced 10:42": how old the data on screen is, always in words, never only a colour. */
export function LastSynced({ at, timeZone, label = 'lastSynced', testId = 'last-synced' }: { at: number | null | undefined; timeZone?: string; label?: MessageKey; testId?: string }) {
  const { t, locale } = useT();
  return html`<p class="synced muted" data-testid=${testId}>
    <${Icon} name="clock" size=${18} /> ${t(label)}: ${at ? html`<time datetime=${new Date(at).toISOString()}>${formatWhen(locale, at, timeZone)}</time>` : t('never')}
  </p>`;
}
