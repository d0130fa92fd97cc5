import { flushPendingDaily } from './pending-daily.js';
import { refreshAlarms, refreshCoops, store, api } from './state.js';

const RECONNECT_MS = 3000;
const COALESCE_MS = 250;

/**
 * Keeps the screens current from the Pi's Server-Sent Events: any change schedules one refetch
 * (several events in a burst cost one request). When the stream drops, the banner shows and a
 * reconnect follows, refreshing the token first since EventSource cannot.
 */
export class LiveUpdates {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reconnect: ReturnType<typeof setTimeout> | null = null;
  private dirty = { coops: false, alarms: false };

  start(): void {
    const token = store.get().session?.accessToken;
    if (!token || this.source) return;
    const source = new EventSource(`/api/live?access_token=${encodeURIComponent(token)}`);
    this.source = source;
    source.onopen = () => {
      store.set({ live: true, reachable: true });
      this.schedule(true, true);
      // The Pi is back (or the app just opened): send checklists kept on the phone.
      void flushPendingDaily();
    };
    source.onerror = () => {
      source.close();
      this.source = null;
      store.set({ live: false });
      this.reconnect = setTimeout(() => void this.retry(), RECONNECT_MS);
    };
    source.addEventListener('output', () => this.schedule(true, false));
    source.addEventListener('readings', () => this.schedule(true, false));
    source.addEventListener('node', () => this.schedule(true, false));
    source.addEventListener('event', (message) => {
      const type = (JSON.parse((message as MessageEvent<string>).data) as { type?: string }).type ?? '';
      this.schedule(true, type.startsWith('alarm_'));
    });
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.reconnect) clearTimeout(this.reconnect);
    this.timer = this.reconnect = null;
  }

  private async retry(): Promise<void> {
    this.reconnect = null;
    if (!store.get().session) return;
    // A cheap authenticated call: marks the Pi reachable or not, and refreshes an expired token.
    await api.get('/api/auth/me').catch(() => undefined);
    if (store.get().session) this.start();
  }

  private schedule(coops: boolean, alarms: boolean): void {
    this.dirty.coops ||= coops;
    this.dirty.alarms ||= alarms;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const { coops: c, alarms: a } = this.dirty;
      this.dirty = { coops: false, alarms: false };
      if (c) void refreshCoops().catch(() => undefined);
      if (a) void refreshAlarms().catch(() => undefined);
    }, COALESCE_MS);
  }
}
