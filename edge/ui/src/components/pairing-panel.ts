import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../state.js';
import { useT } from './use-t.js';

type PairingState =
  | { state: 'offline' }
  | { state: 'idle' }
  | { state: 'waiting'; claimCode: string; expiresAt: number }
  | { state: 'paired'; farmId: string };

/**
 * The cloud link as the owner sees it on the Pi: offline by design when no cloud is set, the
 * short claim code to type into the owner's cloud account while pairing, or "paired".
 */
export function PairingPanel() {
  const { t } = useT();
  const [pairing, setPairing] = useState<PairingState | null>(null);
  const [failed, setFailed] = useState(false);

  const load = () =>
    api
      .get<PairingState>('/api/pairing')
      .then(setPairing)
      .catch(() => setFailed(true));

  useEffect(() => void load(), []);
  // While a code is shown, look again so "paired" appears without a reload.
  useEffect(() => {
    if (pairing?.state !== 'waiting') return;
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [pairing?.state]);

  const claim = async () => {
    try {
      setPairing(await api.post<PairingState>('/api/pairing/claim', {}));
    } catch {
      setFailed(true);
    }
  };

  return html`<section aria-labelledby="pairing-title">
    <h2 id="pairing-title">${t('pairingTitle')}</h2>
    ${pairing?.state === 'offline' ? html`<p class="muted">${t('pairingOffline')}</p>` : null}
    ${pairing?.state === 'idle' ? html`<button type="button" class="main wide" onClick=${claim}>${t('pairingStart')}</button>` : null}
    ${pairing?.state === 'waiting'
      ? html`<p class="value big" aria-live="polite"><span lang="en">${pairing.claimCode}</span></p>
          <p>${t('pairingCodeHint')}</p>`
      : null}
    ${pairing?.state === 'paired' ? html`<p class="feedback ok">${t('pairingDone')}</p>` : null}
    ${failed ? html`<p class="feedback warn" role="alert">${t('errorGeneric')}</p>` : null}
  </section>`;
}
