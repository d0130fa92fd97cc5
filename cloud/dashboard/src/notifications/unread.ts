import { readSnapshot, writeSnapshot } from '../offline/snapshots.js';
import { createStore } from '../store.js';

export interface UnreadState {
  /** Unread notifications across the person's farms; null until known. */
  count: number | null;
  savedAt: number | null;
  /** Alarms the live streams reported since the page opened: the inbox refetches when it moves. */
  alarms: number;
}

/** The bell's state, shared by the top bar and the inbox. */
export const unread = createStore<UnreadState>({ count: null, savedAt: null, alarms: 0 });

const SNAPSHOT = 'notifications.unread';
/** A modest poll: the live stream of an open farm page reports alarms at once; this covers the other farms. */
export const UNREAD_POLL_MS = 60_000;

/** An alarm reported by a farm's live stream: the server has made a notification of it, so ask again. */
export function alarmReported(): void {
  unread.set({ alarms: unread.get().alarms + 1 });
}

/** Counts set by the inbox: an answer the watcher asked for before one of them is older than it. */
let localCounts = 0;

function keepCount(userId: string, count: number): void {
  const snapshot = writeSnapshot(userId, SNAPSHOT, count);
  unread.set({ count, savedAt: snapshot.savedAt });
}

/** The count the inbox knows after marking notifications read or loading its list. */
export function setUnreadCount(userId: string, count: number): void {
  localCounts += 1;
  keepCount(userId, count);
}

export interface UnreadWatcherDeps {
  userId: string;
  /** How many are unread (GET /v1/notifications/unread-count). */
  fetchCount(): Promise<number>;
  document: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  everyMs?: number;
}

/**
 * Keeps the bell's count current for one signed-in person: the saved count first (so it shows
 * with no network), then the API at start, every minute while the page is visible, when the page
 * becomes visible again and when a live stream reports an alarm.
 */
export class UnreadWatcher {
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastAlarms = 0;
  private readonly onVisibility = () => {
    if (this.deps.document.visibilityState === 'visible') void this.refresh();
  };

  constructor(private readonly deps: UnreadWatcherDeps) {}

  start(): void {
    const saved = readSnapshot<number>(this.deps.userId, SNAPSHOT);
    unread.set({ count: saved?.data ?? null, savedAt: saved?.savedAt ?? null });
    this.lastAlarms = unread.get().alarms;
    this.unsubscribe = unread.subscribe(() => {
      const { alarms } = unread.get();
      if (alarms === this.lastAlarms) return;
      this.lastAlarms = alarms;
      void this.refresh();
    });
    this.deps.document.addEventListener('visibilitychange', this.onVisibility);
    this.timer = setInterval(() => {
      if (this.deps.document.visibilityState === 'visible') void this.refresh();
    }, this.deps.everyMs ?? UNREAD_POLL_MS);
    void this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.deps.document.removeEventListener('visibilitychange', this.onVisibility);
    unread.set({ count: null, savedAt: null });
  }

  /** Asks the API; a failure keeps the last count (the offline banner says the cloud is gone). */
  async refresh(): Promise<void> {
    const before = localCounts;
    try {
      const count = await this.deps.fetchCount();
      if (this.timer && localCounts === before) keepCount(this.deps.userId, count);
    } catch {
      // Offline or refused: the saved count stays on the bell.
    }
  }
}
