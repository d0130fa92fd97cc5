import type { ChangeNotifier, Unlisten } from '../../db/change-notifier.js';
import { LIVE_NOTIFY_CHANNEL, type LiveNote } from '../projection/live-channel.js';
import type { AlarmView } from '../state/alarm-views.js';
import type { CoopState } from '../state/coop-state.js';

/** Where one browser's live messages go (an SSE response). */
export interface LiveSink {
  event(name: 'coop' | 'alarm', data: unknown): void;
  comment(text: string): void;
  end(): void;
}

export interface LiveHubOptions {
  notifier: ChangeNotifier;
  loadCoops: (farmId: string) => Promise<CoopState[]>;
  loadAlarms: (farmId: string, alarmIds: readonly string[]) => Promise<AlarmView[]>;
  heartbeatMs: number;
  /** Open streams one farm may hold on this instance (a farm has a handful of people; more is a leak or abuse). */
  maxViewersPerFarm?: number;
  onError: (error: unknown) => void;
}

interface Viewer {
  farmId: string;
  sink: LiveSink;
  /** What this viewer last got per coop, so an unchanged coop is not sent again. */
  sent: Map<string, string>;
}

interface FarmRefresh {
  running: Promise<void>;
  again: boolean;
  alarmIds: Set<string>;
}

/**
 * Pushes coop states and alarm changes to browsers. One subscription per instance on the
 * `tokkatot_live` channel, which ingest notifies on commit from whichever instance received the
 * upload. Per farm, one refresh at a time: announcements that arrive meanwhile fold into one more.
 */
export class LiveHub {
  private readonly viewers = new Set<Viewer>();
  private readonly refreshing = new Map<string, FarmRefresh>();
  /** Announcements seen per farm, so a snapshot can tell whether one arrived while it loaded. */
  private readonly announced = new Map<string, number>();
  private unlisten: Unlisten | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: LiveHubOptions) {}

  async start(): Promise<void> {
    this.unlisten = await this.options.notifier.listen(
      LIVE_NOTIFY_CHANNEL,
      (payload) => this.onNote(payload),
      // Announcements may have been missed: refresh every farm someone is watching.
      () => {
        for (const farmId of new Set([...this.viewers].map((viewer) => viewer.farmId))) this.onNote(JSON.stringify({ farmId }));
      },
    );
    this.heartbeat = setInterval(() => {
      for (const viewer of this.viewers) viewer.sink.comment('heartbeat');
    }, this.options.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.dropAll();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  /** Tells whether the farm may open one more stream here. */
  hasRoom(farmId: string): boolean {
    let open = 0;
    for (const viewer of this.viewers) if (viewer.farmId === farmId) open += 1;
    return open < (this.options.maxViewersPerFarm ?? 50);
  }

  /** Open live streams (status, tests). */
  get size(): number {
    return this.viewers.size;
  }

  /** Starts a viewer with every coop's current state; returns the function that detaches it. */
  async open(farmId: string, sink: LiveSink): Promise<() => void> {
    const viewer: Viewer = { farmId, sink, sent: new Map() };
    const seen = this.announced.get(farmId) ?? 0;
    const snapshot = await this.options.loadCoops(farmId);
    this.viewers.add(viewer);
    this.deliver(viewer, snapshot);
    // A change committed while the snapshot loaded: refresh once more rather than miss it.
    if ((this.announced.get(farmId) ?? 0) !== seen) this.onNote(JSON.stringify({ farmId }));
    return () => this.viewers.delete(viewer);
  }

  /** Ends every stream (shutdown); browsers reconnect elsewhere and get a fresh snapshot. */
  dropAll(): void {
    for (const viewer of this.viewers) viewer.sink.end();
    this.viewers.clear();
  }

  private onNote(payload: string): void {
    let note: LiveNote;
    try {
      note = JSON.parse(payload) as LiveNote;
    } catch {
      return;
    }
    if (typeof note?.farmId !== 'string') return;
    this.announced.set(note.farmId, (this.announced.get(note.farmId) ?? 0) + 1);
    if (![...this.viewers].some((v) => v.farmId === note.farmId)) return;
    const alarmIds = Array.isArray(note.alarmIds) ? note.alarmIds.filter((id): id is string => typeof id === 'string') : [];
    const pending = this.refreshing.get(note.farmId);
    if (pending) {
      pending.again = true;
      for (const id of alarmIds) pending.alarmIds.add(id);
      return;
    }
    const refresh: FarmRefresh = { running: Promise.resolve(), again: false, alarmIds: new Set(alarmIds) };
    this.refreshing.set(note.farmId, refresh);
    refresh.running = this.refresh(note.farmId, refresh)
      .catch(this.options.onError)
      .finally(() => this.refreshing.delete(note.farmId));
  }

  private async refresh(farmId: string, refresh: FarmRefresh): Promise<void> {
    do {
      refresh.again = false;
      const alarmIds = [...refresh.alarmIds];
      refresh.alarmIds.clear();
      const [coops, alarms] = await Promise.all([this.options.loadCoops(farmId), alarmIds.length > 0 ? this.options.loadAlarms(farmId, alarmIds) : []]);
      for (const viewer of this.viewers) {
        if (viewer.farmId !== farmId) continue;
        for (const alarm of alarms) viewer.sink.event('alarm', alarm);
        this.deliver(viewer, coops);
      }
    } while (refresh.again);
  }

  private deliver(viewer: Viewer, coops: readonly CoopState[]): void {
    for (const coop of coops) {
      const text = JSON.stringify(coop);
      if (viewer.sent.get(coop.id) === text) continue;
      viewer.sent.set(coop.id, text);
      viewer.sink.event('coop', coop);
    }
  }
}
