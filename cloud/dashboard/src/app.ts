import { useEffect } from 'preact/hooks';
import { TopBar } from './components/top-bar.js';
import { useT } from './components/use-t.js';
import { html } from './html.js';
import { CoopScreen } from './screens/coop.js';
import { FarmAlarms } from './screens/farm-alarms.js';
import { FarmCoops } from './screens/farm-coops.js';
import { FarmMembers } from './screens/farm-members.js';
import { FarmSchedules } from './screens/farm-schedules.js';
import { FarmShell, type FarmTab } from './screens/farm-shell.js';
import { FarmsScreen } from './screens/farms.js';
import { LoginScreen } from './screens/login.js';
import { refreshMe, store } from './state.js';
import { useStore } from './store.js';

/** A client route: the farms list, a farm's tab, or one coop. */
export type Route = { kind: 'farms' } | { kind: 'farm'; farmId: string; tab: FarmTab } | { kind: 'coop'; farmId: string; coopId: string } | { kind: 'missing' };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') return { kind: 'farms' };
  const parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  if (parts[0] !== 'farms' || !parts[1]) return { kind: 'missing' };
  const farmId = parts[1];
  if (parts.length === 2) return { kind: 'farm', farmId, tab: 'coops' };
  if (parts.length === 4 && parts[2] === 'coops') return { kind: 'coop', farmId, coopId: parts[3]! };
  if (parts.length === 3 && (parts[2] === 'alarms' || parts[2] === 'schedules' || parts[2] === 'members')) return { kind: 'farm', farmId, tab: parts[2] };
  return { kind: 'missing' };
}

function Screen({ route }: { route: Route }) {
  const { t } = useT();
  switch (route.kind) {
    case 'farms':
      return html`<${FarmsScreen} />`;
    case 'coop':
      return html`<${FarmShell} farmId=${route.farmId} tab=${null}><${CoopScreen} farmId=${route.farmId} coopId=${route.coopId} /><//>`;
    case 'farm': {
      const tab =
        route.tab === 'alarms'
          ? html`<${FarmAlarms} farmId=${route.farmId} />`
          : route.tab === 'schedules'
            ? html`<${FarmSchedules} farmId=${route.farmId} />`
            : route.tab === 'members'
              ? html`<${FarmMembers} farmId=${route.farmId} />`
              : html`<${FarmCoops} farmId=${route.farmId} />`;
      return html`<${FarmShell} farmId=${route.farmId} tab=${route.tab}>${tab}<//>`;
    }
    default:
      return html`<h1>${t('notFound')}</h1>`;
  }
}

/** Sign-in or the signed-in app; the account's memberships are refreshed once signed in. */
export function App() {
  const { session, path } = useStore(store);
  useEffect(() => {
    const onPop = () => store.set({ path: location.pathname });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const userId = session?.user.id ?? null;
  useEffect(() => {
    if (userId) void refreshMe().catch(() => undefined);
  }, [userId]);
  return html`<${TopBar} />
    <main id="main">${session ? html`<${Screen} route=${parseRoute(path)} />` : html`<${LoginScreen} />`}</main>`;
}
