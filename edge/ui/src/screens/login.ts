import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { navigate, signIn } from '../state.js';

/** Name and password, one big button. */
export function LoginScreen() {
  const { t } = useT();
  const [error, setError] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      navigate('/');
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'UNREACHABLE' ? 'piUnreachable' : 'loginFailed');
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="narrow">
    <h1>${t('loginTitle')}</h1>
    <form onSubmit=${submit}>
      <label for="username">${t('username')}</label>
      <input id="username" name="username" autocomplete="username" autocapitalize="none" required />
      <label for="password">${t('password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit" class="main wide" disabled=${busy}><${Icon} name="check" /> ${t('signIn')}</button>
      ${error ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(error)}</p>` : null}
    </form>
  </section>`;
}
