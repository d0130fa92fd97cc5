import { useEffect } from 'preact/hooks';
import { BottomNav } from './components/bottom-nav.js';
import { TopBar } from './components/top-bar.js';
import { html } from './html.js';
import { LiveUpdates } from './live.js';
import { AlarmsScreen } from './screens/alarms.js';
import { CoopScreen } from './screens/coop.js';
import { DailyScreen } from './screens/daily.js';
import { HomeScreen } from './screens/home.js';
import { LoginScreen } from './screens/login.js';
import { ManageScreen } from './screens/manage.js';
import { SetupFarmScreen, SetupOwnerScreen } from './screens/setup.js';
import { api, refreshAlarms, refreshCoops, refreshFarm, store } from './state.js';
import { useStore } from './store.js';

/** The screen for a path once signed in. */
function Screen({ path }: { path: string }) {
  const coop = /^\/coops\/([^/]+)$/.exec(path);
  if (coop) return html`<${CoopScreen} coopId=${decodeURIComponent(coop[1]!)} />`;
  if (path === '/alarms') return html`<${AlarmsScreen} />`;
  if (path === '/daily') return html`<${DailyScreen} />`;
  if (path === '/manage') return html`<${ManageScreen} />`;
  if (path === '/setup/coops') return html`<${SetupFarmScreen} step="coops" />`;
  if (path === '/setup/nodes') return html`<${SetupFarmScreen} step="nodes" />`;
  return html`<${HomeScreen} />`;
}

const live = new LiveUpdates();

/** Decides between first run, sign-in and the signed-in app; keeps live updates running while signed in. */
export function App() {
  const { needsOwner, session, path } = useStore(store);
  useEffect(() => {
    void api
      .get<{ needsOwner: boolean }>('/api/setup')
      .then(({ needsOwner: value }) => store.set({ needsOwner: value }))
      .catch(() => undefined);
    const onPop = () => store.set({ path: location.pathname });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const signedIn = session !== null;
  useEffect(() => {
    if (!signedIn) return;
    void Promise.all([refreshFarm(), refreshCoops(), refreshAlarms()]).catch(() => undefined);
    live.start();
    return () => live.stop();
  }, [signedIn]);

  let main;
  if (needsOwner === null && !session) main = null;
  else if (needsOwner) main = html`<${SetupOwnerScreen} />`;
  else if (!session) main = html`<${LoginScreen} />`;
  else main = html`<${Screen} path=${path} />`;
  return html`<${TopBar} />
    <main id="main">${main}</main>
    ${session && !needsOwner ? html`<${BottomNav} />` : null}`;
}
