import { AlarmSchema, TokkatotError, newId, parseOrThrow, type Alarm, type AlarmKind, type AlarmState } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { AlarmsRepository, EdgeDatabase } from '../db/index.js';
import type { EventLog } from '../events/event-log.js';

export interface RaiseAlarm {
  kind: AlarmKind;
  severity: Alarm['severity'];
  coopId: string | null;
  subjectId: string | null;
  message: string;
}

/**
 * Alarm records and their lifecycle (raised → reminded… → acknowledged → cleared). Each step
 * updates the alarm and appends its lifecycle event in one transaction. The automation layer
 * decides when to raise, remind and clear; people acknowledge through the API.
 */
export class AlarmService {
  constructor(private readonly deps: { database: EdgeDatabase; alarms: AlarmsRepository; events: EventLog; clock: Clock; farmId: () => string }) {}

  raise(input: RaiseAlarm): Alarm {
    const now = this.deps.clock.now();
    const alarm = parseOrThrow(
      AlarmSchema,
      { ...input, id: newId(now), farmId: this.deps.farmId(), state: 'raised', raisedAt: now, remindedAt: null, acknowledgedAt: null, acknowledgedBy: null, clearedAt: null },
      'alarm',
    );
    return this.record(alarm, 'alarm_raised', null);
  }

  remind(id: string): Alarm {
    const alarm = this.get(id);
    if (alarm.state === 'cleared') throw new TokkatotError('CONFLICT', 'The alarm is already cleared.');
    return this.record({ ...alarm, remindedAt: this.deps.clock.now() }, 'alarm_reminded', null);
  }

  acknowledge(id: string, userId: string): Alarm {
    const alarm = this.get(id);
    if (alarm.state !== 'raised') throw new TokkatotError('CONFLICT', `The alarm is already ${alarm.state}.`);
    return this.record({ ...alarm, state: 'acknowledged', acknowledgedAt: this.deps.clock.now(), acknowledgedBy: userId }, 'alarm_acknowledged', userId);
  }

  clear(id: string): Alarm {
    const alarm = this.get(id);
    if (alarm.state === 'cleared') return alarm;
    return this.record({ ...alarm, state: 'cleared', clearedAt: this.deps.clock.now() }, 'alarm_cleared', null);
  }

  get(id: string): Alarm {
    const alarm = this.deps.alarms.get(id);
    if (!alarm) throw new TokkatotError('NOT_FOUND', `No alarm with id "${id}".`);
    return alarm;
  }

  list(filter: { states?: AlarmState[]; coopId?: string; limit?: number } = {}): Alarm[] {
    return this.deps.alarms.list({ ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
  }

  private record(alarm: Alarm, type: 'alarm_raised' | 'alarm_reminded' | 'alarm_acknowledged' | 'alarm_cleared', actorId: string | null): Alarm {
    this.deps.database.transaction(() => {
      this.deps.alarms.save(alarm);
      this.deps.events.append({ type, coopId: alarm.coopId, actorId, alarmId: alarm.id, kind: alarm.kind, severity: alarm.severity, message: alarm.message });
    });
    return alarm;
  }
}
