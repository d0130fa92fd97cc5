import { readEvents } from './api/sse.js';
import type { CoopState } from './api/types.js';
import { alarmReported } from './notifications/unread.js';
import { api, applyLiveCoopState, refreshAlarms, refreshFarm, store } from './state.js';

const RECONNECT_MS = 3000;

/**
 * The farm's live stream (`GET /v1/farms/:farmId/live`), read with fetch so the Authorization
 * header is sent (EventSource cannot). `coop` events carry the whole coop state and are applied
 * as they come; `alarm` events refetch the open alarms and the farm. After a drop it reconnects
 * and refetches once, since events were missed meanwhile.
 */
export class LiveFarm {
  private abort: AbortController | null = null;

  constructor(private readonly farmId: string) {}

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.setLive(false);
  }

  private setLive(live: boolean): void {
    const current = store.get().live;
    if (current[this.farmId] !== live) store.set({ live: { ...current, [this.farmId]: live } });
  }

  private async run(signal: AbortSignal): Promise<void> {
    let first = true;
    while (!signal.aborted) {
      try {
        const response = await api.authorizedFetch(`/v1/farms/${encodeURIComponent(this.farmId)}/live`, { signal, headers: { accept: 'text/event-stream' } });
        if (response.ok && response.body) {
          this.setLive(true);
          if (!first) void Promise.all([refreshFarm(this.farmId), refreshAlarms(this.farmId)]).catch(() => undefined);
          first = false;
          await readEvents(response, ({ event, data }) => {
            if (event === 'coop') applyLiveCoopState(this.farmId, JSON.parse(data) as CoopState);
            else if (event === 'alarm') {
              void Promise.all([refreshAlarms(this.farmId), refreshFarm(this.farmId)]).catch(() => undefined);
              // A raised alarm is also a new notification: the bell asks for its count again.
              alarmReported();
            }
          });
        }
      } catch {
        // Offline or dropped: the banner says so; try again below.
      }
      this.setLive(false);
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }
}
