import { useEffect, useState } from 'preact/hooks';
import { TopBar } from './components/top-bar.js';
import { useT } from './components/use-t.js';
import { html } from './html.js';
import { CoopScreen } from './screens/coop.js';
import { FarmAlarms } from './screens/farm-alarms.js';
import { FarmCoops } from './screens/farm-coops.js';
import { FarmMembers } from './screens/farm-members.js';
import { FarmSchedules } from './screens/farm-schedules.js';
import { FarmShell } from './screens/farm-shell.js';
import { FarmsScreen } from './screens/farms.js';
import { LoginScreen } from './screens/login.js';
import { parseRoute, type Route } from './routes.js';
import { refreshMe, store } from './state.js';
import { useStore } from './store.js';

type FirmwareModule = typeof import('./screens/farm-firmware.js');

/** The firmware section is loaded on first visit, keeping it out of the first screen's JavaScript. */
function LazyFirmware({ farmId }: { farmId: string }) {
  const { t } = useT();
  const [module, setModule] = useState<FirmwareModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void import('./screens/farm-firmware.js').then(setModule, () => setFailed(true));
  }, []);
  if (module) return html`<${module.FarmFirmware} farmId=${farmId} />`;
  return html`<p class="muted">${t(failed ? 'errorGeneric' : 'loading')}</p>`;
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
              : route.tab === 'firmware'
                ? html`<${LazyFirmware} farmId=${route.farmId} />`
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
