import { ApiError } from './api/client.js';
import type { DailyRecord } from './api/types.js';
import { api, store } from './state.js';

const KEY = 'tokkatot.pendingDaily';

/** A checklist the Pi did not receive yet, kept on the phone. `error` is set when the Pi refused it. */
export interface PendingDaily {
  coopId: string;
  date: string;
  record: Omit<DailyRecord, 'coopId' | 'date'>;
  error?: string;
}

function read(): PendingDaily[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as PendingDaily[];
  } catch {
    return [];
  }
}

function write(items: PendingDaily[]): void {
  if (items.length === 0) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(items));
  store.set({ pendingDaily: items.length });
}

/** Shows, after a restart of the app, how many checklists still wait on this phone. */
export function showPendingCount(): void {
  store.set({ pendingDaily: read().length });
}

export function listPendingDaily(): PendingDaily[] {
  return read();
}

/** Keeps a checklist on the phone (the latest per coop and day wins) until the Pi answers. */
export function queueDaily(item: PendingDaily): void {
  write([...read().filter((other) => other.coopId !== item.coopId || other.date !== item.date), item]);
}

let flushing = false;

/**
 * Sends what the phone kept. A network failure leaves an entry for the next try; a refusal by
 * the Pi (the day has closed, a bad value) keeps it with the reason, so nothing is dropped unseen.
 */
export async function flushPendingDaily(): Promise<void> {
  if (flushing || !store.get().session) return;
  flushing = true;
  try {
    for (const item of read()) {
      if (item.error) continue;
      try {
        await api.put(`/api/daily-records/${encodeURIComponent(item.coopId)}/${item.date}`, item.record);
        write(read().filter((other) => other.coopId !== item.coopId || other.date !== item.date));
      } catch (error) {
        if (!(error instanceof ApiError) || error.code === 'UNREACHABLE') break;
        write(read().map((other) => (other.coopId === item.coopId && other.date === item.date ? { ...other, error: error.message } : other)));
      }
    }
  } finally {
    flushing = false;
  }
}
