import { api } from '../state.js';
import { createStore } from '../store.js';

import type { ConfigDoc, ReplicatedName, RunningReplica } from './replica-types.js';

export type { ConfigDoc, ReplicatedName } from './replica-types.js';

export interface ReplicaState {
  farmId: string | null;
  status: 'idle' | 'starting' | 'ready' | 'failed';
  /** When a pull or a stream event last reached this device (kept across reloads). */
  syncedAt: number | null;
  docs: Record<ReplicatedName, ConfigDoc[]>;
}

const empty = (): Record<ReplicatedName, ConfigDoc[]> => ({ coops: [], sensors: [], outputs: [], rules: [], schedules: [], flocks: [], alarm_settings: [], nodes: [], firmware_targets: [] });

export const replica = createStore<ReplicaState>({ farmId: null, status: 'idle', syncedAt: null, docs: empty() });

const SYNCED_KEY = 'tokkatot.dashboard.replicaSyncedAt.';
let running: { farmId: string; replica: Promise<RunningReplica | null> } | null = null;

function rememberSynced(farmId: string, at: number): void {
  try {
    localStorage.setItem(`${SYNCED_KEY}${farmId}`, String(at));
  } catch {
    // Not remembered: the time shows again after the next pull.
  }
  if (replica.get().farmId === farmId) replica.set({ syncedAt: at });
}

function syncedBefore(farmId: string): number | null {
  const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(`${SYNCED_KEY}${farmId}`);
  return raw ? Number(raw) : null;
}

/**
 * Opens the offline copy of one farm (one at a time: RxDB's free tier caps open collections)
 * and keeps `replica` current with its documents. Works offline: Dexie reads what is stored.
 */
export function openReplica(farmId: string): void {
  if (running?.farmId === farmId) return;
  const previous = running;
  replica.set({ farmId, status: 'starting', syncedAt: syncedBefore(farmId), docs: empty() });
  const starting = (async () => {
    await previous?.replica.then((old) => old?.close(false)).catch(() => undefined);
    try {
      const { startReplica } = await import('./replica.js');
      return await startReplica({
        farmId,
        fetch: (path, init) => api.authorizedFetch(path, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), 'x-tokkatot-farm': farmId } }),
        onDocs: (name, docs) => {
          if (replica.get().farmId !== farmId) return;
          replica.set({ status: 'ready', docs: { ...replica.get().docs, [name]: docs } });
        },
        onSynced: (at) => rememberSynced(farmId, at),
      });
    } catch {
      if (replica.get().farmId === farmId) replica.set({ status: 'failed' });
      return null;
    }
  })();
  running = { farmId, replica: starting };
}

/** Stops replicating; `remove` also deletes the copies (sign-out). */
export async function closeReplicas(remove: boolean): Promise<void> {
  const current = running;
  running = null;
  replica.set({ farmId: null, status: 'idle', syncedAt: null, docs: empty() });
  await current?.replica.then((open) => open?.close(remove)).catch(() => undefined);
  if (remove && typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    // Copies of farms opened earlier in this session or before: gone with the account.
    const databases = await indexedDB.databases().catch(() => []);
    for (const database of databases) if (database.name?.startsWith('rxdb-dexie-tokkatot_')) indexedDB.deleteDatabase(database.name);
  }
  if (remove) {
    for (const key of Object.keys(localStorage)) if (key.startsWith(SYNCED_KEY)) localStorage.removeItem(key);
  }
}
