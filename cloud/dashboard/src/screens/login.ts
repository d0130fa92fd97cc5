import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { signIn } from '../state.js';

/** Email or phone with a password; the server rate-limits and locks after five failures. */
export function LoginScreen() {
  const { t } = useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login.trim(), password);
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : '';
      setError(code === 'ACCOUNT_LOCKED' || code === 'RATE_LIMITED' ? 'accountLocked' : code === 'UNREACHABLE' ? 'unreachable' : code === 'INTERNAL' ? 'errorGeneric' : 'loginFailed');
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="narrow card" onSubmit=${submit}>
    <h1>${t('signInTitle')}</h1>
    <label for="login">${t('loginLabel')}</label>
    <input id="login" name="login" autocomplete="username" inputmode="email" required value=${login} onInput=${(event: Event) => setLogin((event.target as HTMLInputElement).value)} aria-describedby="login-hint" />
    <p id="login-hint" class="muted small">${t('loginHint')}</p>
    <label for="password">${t('password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(event: Event) => setPassword((event.target as HTMLInputElement).value)} />
    ${error ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(error)}</p>` : null}
    <button type="submit" class="main wide" disabled=${busy}>${busy ? t('loading') : t('signIn')}</button>
  </form>`;
}
