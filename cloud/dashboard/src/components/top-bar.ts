import { html } from '../html.js';
import { Bell } from '../notifications/bell.js';
import { signOut } from '../sign-out.js';
import { navigate, setLocale, store } from '../state.js';
import { useStore } from '../store.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** App title (home link), the notifications bell, the language toggle (always reachable) and sign-out; the offline banner under it. */
export function TopBar() {
  const { t, locale } = useT();
  const { reachable, session } = useStore(store);
  return html`<header class="top-bar">
      <a class="brand" href="/" onClick=${(event: Event) => {
        event.preventDefault();
        navigate('/');
      }}><${Icon} name="farm" /> ${t('appName')}</a>
      <${Bell} />
      <button type="button" class="lang" lang=${locale === 'km' ? 'en' : 'km'} data-testid="language" onClick=${() => setLocale(locale === 'km' ? 'en' : 'km')}>
        <${Icon} name="globe" /> ${t('language')}
      </button>
      ${session
        ? html`<button type="button" class="lang" aria-label=${t('signOut')} title=${t('signOut')} onClick=${() => void signOut().then(() => navigate('/'))}><${Icon} name="logout" /><span class="wide-only">${t('signOut')}</span></button>`
        : null}
    </header>
    ${reachable
      ? null
      : html`<div class="banner offline" role="alert" data-testid="offline-banner"><${Icon} name="offline" /> ${t('unreachable')}</div>`}`;
}
