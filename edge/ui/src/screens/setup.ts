import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { Icon } from '../components/icons.js';
import { PairingPanel } from '../components/pairing-panel.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { api, navigate, signIn, store } from '../state.js';
import { useStore } from '../store.js';
import { CoopsEditor, NodesEditor } from './manage-parts.js';

/** First run, step 1: the owner account (only while the Pi has no user). */
export function SetupOwnerScreen() {
  const { t, locale } = useT();
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const username = String(data.get('username') ?? '');
    const password = String(data.get('password') ?? '');
    try {
      await api.post('/api/setup/owner', { username, displayName: String(data.get('displayName') ?? ''), password, locale });
      await signIn(username, password);
      store.set({ needsOwner: false });
      navigate('/setup/coops');
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : '');
    }
  };
  return html`<section class="narrow">
    <h1>${t('setupTitle')}</h1>
    <h2>1 · ${t('setupOwner')}</h2>
    <form onSubmit=${submit}>
      <label for="owner-name">${t('displayName')}</label>
      <input id="owner-name" name="displayName" required maxlength="80" />
      <label for="owner-username">${t('username')}</label>
      <input id="owner-username" name="username" required autocapitalize="none" autocomplete="username" />
      <label for="owner-password">${t('password')}</label>
      <input id="owner-password" name="password" type="password" required minlength="8" autocomplete="new-password" />
      <button type="submit" class="main wide"><${Icon} name="check" /> ${t('next')}</button>
      ${error === null ? null : html`<p class="feedback error" role="alert">${t('errorGeneric')}${error ? html`: <span lang="en">${error}</span>` : null}</p>`}
    </form>
  </section>`;
}

/** First run, steps 2 and 3: name the coops, then put each discovered board in its coop. */
export function SetupFarmScreen({ step }: { step: 'coops' | 'nodes' }) {
  const { t } = useT();
  const { coops } = useStore(store);
  return html`<section>
    <h1>${t('setupTitle')}</h1>
    ${step === 'coops'
      ? html`<h2>2 · ${t('setupCoops')}</h2>
          ${coops ? html`<${CoopsEditor} coops=${coops} />` : null}
          <button type="button" class="main wide" onClick=${() => navigate('/setup/nodes')}>${t('next')}</button>`
      : html`<h2>3 · ${t('setupNodes')}</h2>
          ${coops ? html`<${NodesEditor} coops=${coops} />` : null}
          <${PairingPanel} />
          <button type="button" class="main wide" onClick=${() => navigate('/')}><${Icon} name="check" /> ${t('finish')}</button>`}
  </section>`;
}
