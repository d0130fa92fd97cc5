import type { CoopStatus } from '../api/types.js';
import { html } from '../html.js';
import { Icon, type IconName } from './icons.js';
import { useT } from './use-t.js';

const ICONS: Record<CoopStatus, IconName> = { good: 'check', too_hot: 'hot', too_cold: 'cold', unknown: 'warning' };

/** The coop's verdict as an icon and a word on a coloured pill: the colour is never the only signal. */
export function CoopStatusBadge({ status }: { status: CoopStatus }) {
  const { t } = useT();
  const known: CoopStatus = status in ICONS ? status : 'unknown';
  return html`<span class=${`verdict verdict-${known}`} data-testid="coop-status"><${Icon} name=${ICONS[known]} size=${20} /> ${t(`status_${known}`)}</span>`;
}

/** Online or offline, with an icon and a word. */
export function OnlineBadge({ online }: { online: boolean }) {
  const { t } = useT();
  return html`<span class=${`verdict ${online ? 'verdict-good' : 'verdict-offline'}`}><${Icon} name=${online ? 'cloud' : 'offline'} size=${20} /> ${t(online ? 'online' : 'offline')}</span>`;
}
