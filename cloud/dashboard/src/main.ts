import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';
import { store } from './state.js';
import './styles.css';

document.documentElement.lang = store.get().locale;
render(html`<${App} />`, document.getElementById('app')!);

// The shell cache that lets the app open with no network (secure origins only: HTTPS, localhost).
if (window.isSecureContext && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
