import { ApiClient } from './api/client.js';
import type { Alarm, CoopState, FarmDetail, FarmOverview, Membership, Session, User } from './api/types.js';
import { loadLocale, saveLocale, type Locale } from './i18n/i18n.js';
import { clearSnapshots, readSnapshot, writeSnapshot, type Snapshot } from './offline/snapshots.js';
import { createStore } from './store.js';

export interface AppState {
  locale: Locale;
  session: Session | null;
  /** Whether the cloud answered the last request. */
  reachable: boolean;
  path: string;
  memberships: Membership[] | null;
  farms: Snapshot<FarmOverview[]> | null;
  farm: Record<string, Snapshot<FarmDetail>>;
  coop: Record<string, Snapshot<CoopState>>;
  alarms: Record<string, Snapshot<Alarm[]>>;
  /** Farms whose live stream is open. */
  live: Record<string, boolean>;
}

const SESSION_KEY = 'tokkatot.dashboard.session';
const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

function loadSession(): Session | null {
  try {
    const raw = storage?.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

const initialSession = loadSession();

export const store = createStore<AppState>({
  locale: loadLocale(storage),
  session: initialSession,
  reachable: true,
  path: typeof location === 'undefined' ? '/' : location.pathname,
  memberships: null,
  farms: initialSession ? readSnapshot<FarmOverview[]>(initialSession.user.id, 'farms') : null,
  farm: {},
  coop: {},
  alarms: {},
  live: {},
});

export function setSession(session: Session | null): void {
  const before = store.get().session;
  if (session) storage?.setItem(SESSION_KEY, JSON.stringify(session));
  else storage?.removeItem(SESSION_KEY);
  if (!session && before) clearSnapshots();
  store.set(session ? { session } : { session, farms: null, farm: {}, coop: {}, alarms: {}, memberships: null });
}

export const api = new ApiClient({
  session: () => store.get().session,
  storedSession: loadSession,
  onSession: setSession,
  onReachable: (reachable) => {
    if (store.get().reachable !== reachable) store.set({ reachable });
  },
});

export function currentUser(): User | null {
  return store.get().session?.user ?? null;
}

/** Applies a language at once and remembers it on this device. */
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

const coopKey = (farmId: string, coopId: string) => `${farmId}/${coopId}`;

/** Snapshot name → state slot: reads go to the cloud, land in the store and in the saved copy. */
function keep<T>(name: string, data: T): Snapshot<T> {
  const user = currentUser();
  return user ? writeSnapshot(user.id, name, data) : { savedAt: Date.now(), data };
}

function saved<T>(name: string): Snapshot<T> | null {
  const user = currentUser();
  return user ? readSnapshot<T>(user.id, name) : null;
}

export async function refreshMe(): Promise<void> {
  const me = await api.get<{ user: User; memberships: Membership[] }>('/v1/me');
  const session = store.get().session;
  if (session) setSession({ ...session, user: me.user });
  store.set({ memberships: me.memberships });
}

export async function refreshFarms(): Promise<void> {
  const farms = await api.get<FarmOverview[]>('/v1/farms');
  store.set({ farms: keep('farms', farms) });
}

export function loadSavedFarm(farmId: string): void {
  const state = store.get();
  const farm = state.farm[farmId] ?? saved<FarmDetail>(`farm.${farmId}`);
  const alarms = state.alarms[farmId] ?? saved<Alarm[]>(`alarms.${farmId}`);
  store.set({
    farm: farm ? { ...state.farm, [farmId]: farm } : state.farm,
    alarms: alarms ? { ...state.alarms, [farmId]: alarms } : state.alarms,
  });
}

/**
 * Live coop events applied per farm. A read that started before one of them answers with older
 * data than the screen already shows; such an answer is dropped instead of undoing the event.
 */
const liveApplied = new Map<string, number>();
const liveCount = (farmId: string) => liveApplied.get(farmId) ?? 0;

export async function refreshFarm(farmId: string): Promise<void> {
  const before = liveCount(farmId);
  const farm = await api.get<FarmDetail>(`/v1/farms/${encodeURIComponent(farmId)}`);
  if (liveCount(farmId) !== before && store.get().farm[farmId]) return;
  store.set({ farm: { ...store.get().farm, [farmId]: keep(`farm.${farmId}`, farm) } });
}

export function loadSavedCoop(farmId: string, coopId: string): void {
  const key = coopKey(farmId, coopId);
  const state = store.get();
  if (state.coop[key]) return;
  const coop = saved<CoopState>(`coop.${key}`);
  if (coop) store.set({ coop: { ...state.coop, [key]: coop } });
}

export function coopSnapshot(farmId: string, coopId: string): Snapshot<CoopState> | null {
  return store.get().coop[coopKey(farmId, coopId)] ?? null;
}

export async function refreshCoop(farmId: string, coopId: string): Promise<void> {
  const before = liveCount(farmId);
  const coop = await api.get<CoopState>(`/v1/farms/${encodeURIComponent(farmId)}/coops/${encodeURIComponent(coopId)}`);
  if (liveCount(farmId) !== before && coopSnapshot(farmId, coopId)) return;
  applyCoopState(farmId, coop);
}

/** A coop state from the live stream: newer than any read still on its way. */
export function applyLiveCoopState(farmId: string, coop: CoopState): void {
  liveApplied.set(farmId, liveCount(farmId) + 1);
  applyCoopState(farmId, coop);
}

/** A coop state from the API or the live stream: into the coop's slot and the farm's summary. */
export function applyCoopState(farmId: string, coop: CoopState): void {
  const key = coopKey(farmId, coop.id);
  const state = store.get();
  const farm = state.farm[farmId];
  const { sensors: _s, outputs: _o, alarms: _a, rules: _r, ...summary } = coop;
  // A coop the farm page has not seen yet (an edge that just paired replicates its coops after
  // the page loaded) joins the list instead of being dropped.
  const known = farm?.data.coops.some((item) => item.id === coop.id) ?? false;
  const coops = farm ? (known ? farm.data.coops.map((item) => (item.id === coop.id ? { ...item, ...summary } : item)) : [...farm.data.coops, summary]) : [];
  const nextFarm = farm ? { ...state.farm, [farmId]: keep(`farm.${farmId}`, { ...farm.data, coops }) } : state.farm;
  store.set({ coop: { ...state.coop, [key]: keep(`coop.${key}`, coop) }, farm: nextFarm });
}

export async function refreshAlarms(farmId: string, which: 'open' | 'all' = 'open'): Promise<Alarm[]> {
  const alarms = await api.get<Alarm[]>(`/v1/farms/${encodeURIComponent(farmId)}/alarms?state=${which}`);
  if (which === 'open') store.set({ alarms: { ...store.get().alarms, [farmId]: keep(`alarms.${farmId}`, alarms) } });
  return alarms;
}

export function roleOn(farmId: string): Membership['role'] | null {
  const state = store.get();
  return state.memberships?.find((item) => item.farmId === farmId)?.role ?? state.farms?.data.find((farm) => farm.id === farmId)?.role ?? null;
}

export async function signIn(login: string, password: string): Promise<void> {
  await api.login(login, password);
  store.set({ farms: saved<FarmOverview[]>('farms') });
}
