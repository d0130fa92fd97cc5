import type { AlarmTrack } from './alarm-lifecycle.js';
import type { ManualOverride } from './arbitration.js';
import type { ClimateMemory } from './climate.js';

/** Durable per-schedule bookkeeping for the catch-up rule. */
export interface ScheduleBookkeeping {
  /** Start of the latest ON period the engine saw begin (or when it first watched the schedule). */
  lastRunStartAt: number | null;
  /** Planned start of the latest run replayed late (never replay it twice). */
  lastReplayedStart: number | null;
  /** A late run in progress (survives a second power cut: it resumes its remaining time). */
  replay: { start: number; end: number; reason: string } | null;
}

/** A silence of the siren: until `until`, unless a newer alarm sounds. */
export interface SirenSilence {
  at: number;
  until: number;
}

/** Everything the automation must find again after a power cut. */
export interface AutomationState {
  climate: Record<string, ClimateMemory>;
  schedules: Record<string, ScheduleBookkeeping>;
  alarms: Record<string, AlarmTrack>;
  overrides: Record<string, ManualOverride>;
  silence: SirenSilence | null;
}

/** Where the engine keeps its durable state (SQLite on the Pi, memory in tests). */
export interface AutomationStore {
  load(): AutomationState;
  saveClimateMemory(coopId: string, memory: ClimateMemory): void;
  saveScheduleBookkeeping(scheduleId: string, bookkeeping: ScheduleBookkeeping): void;
  saveAlarmTrack(track: AlarmTrack): void;
  deleteAlarmTrack(key: string): void;
  saveOverride(outputId: string, override: ManualOverride | null): void;
  saveSilence(silence: SirenSilence | null): void;
}

/** An empty state. */
export function createAutomationState(): AutomationState {
  return { climate: {}, schedules: {}, alarms: {}, overrides: {}, silence: null };
}

/** A store in memory; a copy is taken on every save so tests can inspect what was persisted. */
export class MemoryAutomationStore implements AutomationStore {
  readonly state: AutomationState = createAutomationState();
  writes = 0;

  load(): AutomationState {
    return structuredClone(this.state);
  }

  saveClimateMemory(coopId: string, memory: ClimateMemory): void {
    this.writes++;
    this.state.climate[coopId] = structuredClone(memory);
  }

  saveScheduleBookkeeping(scheduleId: string, bookkeeping: ScheduleBookkeeping): void {
    this.writes++;
    this.state.schedules[scheduleId] = structuredClone(bookkeeping);
  }

  saveAlarmTrack(track: AlarmTrack): void {
    this.writes++;
    this.state.alarms[track.key] = structuredClone(track);
  }

  deleteAlarmTrack(key: string): void {
    this.writes++;
    delete this.state.alarms[key];
  }

  saveOverride(outputId: string, override: ManualOverride | null): void {
    this.writes++;
    if (override) this.state.overrides[outputId] = structuredClone(override);
    else delete this.state.overrides[outputId];
  }

  saveSilence(silence: SirenSilence | null): void {
    this.writes++;
    this.state.silence = silence ? { ...silence } : null;
  }
}
