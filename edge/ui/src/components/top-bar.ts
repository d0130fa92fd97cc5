import { html } from '../html.js';
import { setLocale, store } from '../state.js';
import { useStore } from '../store.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** App title, the language toggle (always reachable, even before signing in) and the Pi status. */
export function TopBar() {
  const { t, locale } = useT();
  const { reachable, live, session } = useStore(store);
  return html`<header class="top-bar">
      <span class="brand">${t('appName')}</span>
      ${session && live && reachable ? html`<span class="live-dot" role="status"><span class="dot" aria-hidden="true"></span>${t('liveOn')}</span>` : null}
      <button type="button" class="lang" lang=${locale === 'km' ? 'en' : 'km'} onClick=${() => setLocale(locale === 'km' ? 'en' : 'km')}>
        <${Icon} name="globe" /> ${t('language')}
      </button>
    </header>
    ${reachable
      ? null
      : html`<div class="banner offline" role="alert" data-testid="unreachable"><${Icon} name="offline" /> ${t('piUnreachable')}</div>`}`;
}
