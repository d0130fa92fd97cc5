import { ApiClient, ApiError } from './api/client.js';
import type { AlarmView, CoopTarget, CoopView, Session } from './api/types.js';
import { loadLocale, saveLocale, type Locale } from './i18n/i18n.js';
import { createStore } from './store.js';

export interface AppState {
  locale: Locale;
  session: Session | null;
  /** null until the Pi has said whether the first owner still has to be created. */
  needsOwner: boolean | null;
  timezone: string;
  coops: CoopView[] | null;
  alarms: AlarmView[] | null;
  reachable: boolean;
  live: boolean;
  path: string;
  /** Daily checklists kept on this phone because the Pi did not answer. */
  pendingDaily: number;
}

const SESSION_KEY = 'tokkatot.session';
const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

function loadSession(): Session | null {
  try {
    const raw = storage?.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const store = createStore<AppState>({
  locale: loadLocale(storage),
  session: loadSession(),
  needsOwner: null,
  timezone: 'Asia/Phnom_Penh',
  coops: null,
  alarms: null,
  reachable: true,
  live: false,
  pendingDaily: 0,
  path: typeof location === 'undefined' ? '/' : location.pathname,
});

export function setSession(session: Session | null): void {
  if (session) storage?.setItem(SESSION_KEY, JSON.stringify(session));
  else storage?.removeItem(SESSION_KEY);
  store.set({ session });
}

export const api = new ApiClient({
  session: () => store.get().session,
  onSession: setSession,
  onReachable: (reachable) => {
    if (store.get().reachable !== reachable) store.set({ reachable });
  },
});

/** Applies a language at once and remembers it on this phone. */
export function setLocale(locale: Locale): void {
  saveLocale(storage, locale);
  document.documentElement.lang = locale;
  store.set({ locale });
}

/** Client-side navigation without a reload. */
export function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, '', path);
  store.set({ path });
  window.scrollTo(0, 0);
}

let targetsMissing = false;

/** Coops with their live state, and the band each aims at when the edge serves targets. */
export async function refreshCoops(): Promise<void> {
  const targets = targetsMissing
    ? Promise.resolve(null)
    : api.get<{ targets: CoopTarget[] }>('/api/coop-targets').then(
        ({ targets: list }) => list,
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 404) targetsMissing = true;
          return null;
        },
      );
  const [{ coops }, bands] = await Promise.all([api.get<{ coops: CoopView[] }>('/api/coops'), targets]);
  store.set({ coops: coops.map((coop) => ({ ...coop, target: bands?.find((band) => band.coopId === coop.id) ?? null })) });
}

export async function refreshAlarms(): Promise<void> {
  const { alarms } = await api.get<{ alarms: AlarmView[] }>('/api/alarms?state=raised,acknowledged&limit=100');
  store.set({ alarms });
}

export async function refreshFarm(): Promise<void> {
  const { farm } = await api.get<{ farm: { timezone: string } }>('/api/farm');
  store.set({ timezone: farm.timezone });
}

export async function signIn(username: string, password: string): Promise<void> {
  const session = await api.post<Session>('/api/auth/login', { username, password });
  setSession(session);
}

export async function signOut(): Promise<void> {
  const session = store.get().session;
  setSession(null);
  if (session) await api.post('/api/auth/logout', { refreshToken: session.refreshToken }).catch(() => undefined);
}
