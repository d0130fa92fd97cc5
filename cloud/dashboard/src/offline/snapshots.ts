/**
 * The last answer of each read the dashboard makes (farms overview, a farm, a coop's state, the
 * alarms), kept in localStorage with the time it was fetched, per account. Reading them is
 * synchronous, so a reload with no network paints the last data at once, with its age.
 */
export interface Snapshot<T> {
  savedAt: number;
  data: T;
}

const PREFIX = 'tokkatot.dashboard.snapshot.';
const storage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

export function readSnapshot<T>(userId: string, name: string): Snapshot<T> | null {
  try {
    const raw = storage()?.getItem(`${PREFIX}${userId}.${name}`);
    return raw ? (JSON.parse(raw) as Snapshot<T>) : null;
  } catch {
    return null;
  }
}

export function writeSnapshot<T>(userId: string, name: string, data: T, savedAt = Date.now()): Snapshot<T> {
  const snapshot = { savedAt, data };
  try {
    storage()?.setItem(`${PREFIX}${userId}.${name}`, JSON.stringify(snapshot));
  } catch {
    // Storage full or refused (private mode): the app keeps working, just without this copy.
  }
  return snapshot;
}

/** Forgets every snapshot: on sign-out, so the next person on a shared phone sees nothing. */
export function clearSnapshots(): void {
  const store = storage();
  if (!store) return;
  const keys: string[] = [];
  for (let index = 0; index < store.length; index += 1) {
    const key = store.key(index);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) store.removeItem(key);
}
