import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';
import { showPendingCount } from './pending-daily.js';
import { store } from './state.js';
import './styles.css';

document.documentElement.lang = store.get().locale;
showPendingCount();
render(html`<${App} />`, document.getElementById('app')!);

// Browsers allow service workers only on secure origins; plain-HTTP LAN use runs without one.
// Loopback (tests, the installer at the Pi) is left without one so a new build shows at once.
if (window.isSecureContext && 'serviceWorker' in navigator && location.hostname !== 'localhost' && location.hostname !== '127.0.0.1') {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
