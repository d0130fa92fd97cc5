import { useEffect, useState } from 'preact/hooks';
import { Icon } from './components/icons.js';
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
import { link } from './screens/link.js';
import { LoginScreen } from './screens/login.js';
import { parseRoute, type Route } from './routes.js';
import { currentUser, navigate, refreshMe, store } from './state.js';
import { useStore } from './store.js';

/** A screen module loaded on first visit, keeping it out of the first screen's JavaScript. */
function useLazy<T>(load: () => Promise<T>): T | 'loading' | 'failed' {
  const [module, setModule] = useState<T | 'loading' | 'failed'>('loading');
  useEffect(() => {
    void load().then(setModule, () => setModule('failed'));
  }, [load]);
  return module;
}

const loadFirmware = () => import('./screens/farm-firmware.js');
const loadAdminFirmware = () => import('./screens/admin-firmware.js');
const loadNotifications = () => import('./screens/notifications.js');
const loadReport = () => import('./screens/morning-report.js');

function Loading({ failed }: { failed: boolean }) {
  const { t } = useT();
  return html`<p class="muted">${t(failed ? 'errorGeneric' : 'loading')}</p>`;
}

function LazyFirmware({ farmId }: { farmId: string }) {
  const module = useLazy(loadFirmware);
  if (typeof module === 'string') return html`<${Loading} failed=${module === 'failed'} />`;
  return html`<${module.FarmFirmware} farmId=${farmId} />`;
}

/** Platform administrators only; anyone else gets a plain refusal (the API refuses them too). */
function LazyAdminFirmware() {
  const module = useLazy(loadAdminFirmware);
  if (typeof module === 'string') return html`<${Loading} failed=${module === 'failed'} />`;
  return html`<${module.AdminFirmware} />`;
}

function LazyNotifications() {
  const module = useLazy(loadNotifications);
  if (typeof module === 'string') return html`<${Loading} failed=${module === 'failed'} />`;
  return html`<${module.NotificationsScreen} />`;
}

function LazyReport({ date }: { date: string | null }) {
  const module = useLazy(loadReport);
  if (typeof module === 'string') return html`<${Loading} failed=${module === 'failed'} />`;
  return html`<${module.MorningReportScreen} date=${date} />`;
}

function NotAdmin() {
  const { t } = useT();
  return html`<h1>${t('admTitle')}</h1>
    <p class="feedback error" role="alert" data-testid="admin-not-allowed"><${Icon} name="warning" /> <span>${t('admNotAdmin')}</span></p>
    <p><a class="back" href="/" onClick=${link(navigate)}><${Icon} name="back" /> ${t('back')}</a></p>`;
}

function Screen({ route }: { route: Route }) {
  const { t } = useT();
  switch (route.kind) {
    case 'farms':
      return html`<${FarmsScreen} />`;
    case 'adminFirmware':
      return currentUser()?.admin ? html`<${LazyAdminFirmware} />` : html`<${NotAdmin} />`;
    case 'notifications':
      return html`<${LazyNotifications} />`;
    case 'report':
      return html`<${LazyReport} date=${route.date} />`;
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
