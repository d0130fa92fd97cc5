import type Database from 'better-sqlite3';
import type { AlarmTrack } from '../../automation/alarm-lifecycle.js';
import type { ManualOverride } from '../../automation/arbitration.js';
import type { AutomationState, AutomationStore, ScheduleBookkeeping, SirenSilence } from '../../automation/automation-store.js';
import { createAutomationState } from '../../automation/automation-store.js';
import type { ClimateMemory } from '../../automation/climate.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The automation's durable state in SQLite (tables of migration 201). Each save is one small
 * transaction: written only when something changed (an output switched, an alarm moved), so the
 * SD card sees a handful of writes per hour, not one per reading.
 */
export class SqliteAutomationStore implements AutomationStore {
  constructor(private readonly db: Database.Database) {}

  load(): AutomationState {
    const state = createAutomationState();
    for (const row of this.db.prepare('SELECT coop_id, humid FROM automation_climate_coop').all() as Row[]) {
      state.climate[String(row.coop_id)] = { outputs: {}, humid: row.humid === 1 };
    }
    for (const row of this.db.prepare('SELECT * FROM automation_climate_output').all() as Row[]) {
      const coop = (state.climate[String(row.coop_id)] ??= { outputs: {}, humid: false });
      coop.outputs[String(row.output_id)] = {
        on: row.is_on === 1,
        changedAt: num(row.changed_at) ?? Number.NEGATIVE_INFINITY,
        cutUntil: num(row.cut_until),
        demand: row.demand === 1,
      };
    }
    for (const row of this.db.prepare('SELECT * FROM automation_schedule_run').all() as Row[]) {
      state.schedules[String(row.schedule_id)] = {
        lastRunStartAt: num(row.last_run_start_at),
        lastReplayedStart: num(row.last_replayed_start),
        replay: row.replay_start === null ? null : { start: Number(row.replay_start), end: Number(row.replay_end), reason: String(row.replay_reason ?? '') },
      };
    }
    for (const row of this.db.prepare('SELECT * FROM automation_alarm_track').all() as Row[]) {
      const track: AlarmTrack = {
        key: String(row.key),
        kind: row.kind as AlarmTrack['kind'],
        coopId: str(row.coop_id),
        subjectId: str(row.subject_id),
        activeSince: num(row.active_since),
        alarm:
          row.alarm_id === null
            ? null
            : {
                id: String(row.alarm_id),
                state: row.state as 'raised' | 'acknowledged',
                severity: row.severity as 'warning' | 'critical',
                message: String(row.message ?? ''),
                siren: row.siren === 1,
                raisedAt: Number(row.raised_at),
                remindedAt: num(row.reminded_at),
                acknowledgedAt: num(row.acknowledged_at),
                acknowledgedBy: str(row.acknowledged_by),
              },
      };
      state.alarms[track.key] = track;
    }
    for (const row of this.db.prepare('SELECT * FROM automation_manual_override').all() as Row[]) {
      const override: ManualOverride = { state: row.state as 'on' | 'off', until: Number(row.until_at), setAt: Number(row.set_at), by: str(row.set_by) };
      if (row.note !== null) override.note = String(row.note);
      state.overrides[String(row.output_id)] = override;
    }
    const silence = this.db.prepare('SELECT silenced_at, silenced_until FROM automation_siren_silence WHERE id = 1').get() as Row | undefined;
    if (silence) state.silence = { at: Number(silence.silenced_at), until: Number(silence.silenced_until) };
    return state;
  }

  saveClimateMemory(coopId: string, memory: ClimateMemory): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO automation_climate_coop (coop_id, humid) VALUES (?, ?) ON CONFLICT (coop_id) DO UPDATE SET humid = excluded.humid').run(coopId, memory.humid ? 1 : 0);
      this.db.prepare('DELETE FROM automation_climate_output WHERE coop_id = ?').run(coopId);
      const insert = this.db.prepare('INSERT INTO automation_climate_output (coop_id, output_id, is_on, changed_at, cut_until, demand) VALUES (?, ?, ?, ?, ?, ?)');
      for (const [outputId, m] of Object.entries(memory.outputs)) {
        insert.run(coopId, outputId, m.on ? 1 : 0, Number.isFinite(m.changedAt) ? m.changedAt : null, m.cutUntil, m.demand ? 1 : 0);
      }
    })();
  }

  saveScheduleBookkeeping(scheduleId: string, b: ScheduleBookkeeping): void {
    this.db
      .prepare(
        `INSERT INTO automation_schedule_run (schedule_id, last_run_start_at, last_replayed_start, replay_start, replay_end, replay_reason)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (schedule_id) DO UPDATE SET last_run_start_at = excluded.last_run_start_at, last_replayed_start = excluded.last_replayed_start,
           replay_start = excluded.replay_start, replay_end = excluded.replay_end, replay_reason = excluded.replay_reason`,
      )
      .run(scheduleId, b.lastRunStartAt, b.lastReplayedStart, b.replay?.start ?? null, b.replay?.end ?? null, b.replay?.reason ?? null);
  }

  saveAlarmTrack(t: AlarmTrack): void {
    const a = t.alarm;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO automation_alarm_track (key, kind, coop_id, subject_id, active_since, alarm_id, state, severity, message, siren,
           raised_at, reminded_at, acknowledged_at, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.key, t.kind, t.coopId, t.subjectId, t.activeSince, a?.id ?? null, a?.state ?? null, a?.severity ?? null, a?.message ?? null,
        a ? (a.siren ? 1 : 0) : null, a?.raisedAt ?? null, a?.remindedAt ?? null, a?.acknowledgedAt ?? null, a?.acknowledgedBy ?? null);
  }

  deleteAlarmTrack(key: string): void {
    this.db.prepare('DELETE FROM automation_alarm_track WHERE key = ?').run(key);
  }

  saveOverride(outputId: string, o: ManualOverride | null): void {
    if (!o) {
      this.db.prepare('DELETE FROM automation_manual_override WHERE output_id = ?').run(outputId);
      return;
    }
    this.db
      .prepare('INSERT OR REPLACE INTO automation_manual_override (output_id, state, until_at, set_at, set_by, note) VALUES (?, ?, ?, ?, ?, ?)')
      .run(outputId, o.state, o.until, o.setAt, o.by, o.note ?? null);
  }

  saveSilence(s: SirenSilence | null): void {
    if (!s) this.db.prepare('DELETE FROM automation_siren_silence WHERE id = 1').run();
    else this.db.prepare('INSERT OR REPLACE INTO automation_siren_silence (id, silenced_at, silenced_until) VALUES (1, ?, ?)').run(s.at, s.until);
  }
}
