import type pg from 'pg';
import type { Event, Reading } from '@tokkatot/shared';
import { readDailyRecord } from './daily-record-event.js';
import { LIVE_NOTIFY_CHANNEL, MAX_NOTE_ALARMS, type LiveNote } from './live-channel.js';

/** What one ingest transaction changed that live viewers care about. */
export interface LiveChanges {
  changed: boolean;
  alarmIds: Set<string>;
}

/** A fresh, empty change set for one ingest call. */
export function createLiveChanges(): LiveChanges {
  return { changed: false, alarmIds: new Set() };
}

const ALARM_STEP_COLUMN = {
  alarm_raised: 'raised_at',
  alarm_reminded: 'reminded_at',
  alarm_acknowledged: 'acknowledged_at',
  alarm_cleared: 'cleared_at',
} as const;

/**
 * Projects one stored event into the farm API tables: output_latest, alarm_state (and a
 * notification when an alarm is raised), daily_record. Idempotent and order-independent.
 */
export async function projectEvent(client: pg.PoolClient, farmId: string, event: Event, changes: LiveChanges): Promise<void> {
  if (event.type === 'output_changed') {
    await client.query(
      `INSERT INTO output_latest (farm_id, output_id, ts, event_id, state, level, source, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (farm_id, output_id) DO UPDATE SET ts = excluded.ts, event_id = excluded.event_id, state = excluded.state,
         level = excluded.level, source = excluded.source, reason = excluded.reason
       WHERE (output_latest.ts, output_latest.event_id) < (excluded.ts, excluded.event_id)`,
      [farmId, event.outputId, event.ts, event.id, event.state, event.level, event.source, event.reason],
    );
    changes.changed = true;
    return;
  }
  if (event.type === 'alarm_raised' || event.type === 'alarm_reminded' || event.type === 'alarm_acknowledged' || event.type === 'alarm_cleared') {
    const column = ALARM_STEP_COLUMN[event.type];
    // Each step keeps its earliest time; the raise's description wins over later steps' copies.
    await client.query(
      `INSERT INTO alarm_state (farm_id, alarm_id, coop_id, kind, severity, message, ${column}, acknowledged_by, first_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)
       ON CONFLICT (farm_id, alarm_id) DO UPDATE SET
         ${column} = LEAST(alarm_state.${column}, excluded.${column}),
         acknowledged_by = COALESCE(alarm_state.acknowledged_by, excluded.acknowledged_by),
         coop_id = COALESCE(alarm_state.coop_id, excluded.coop_id),
         kind = CASE WHEN $9 THEN excluded.kind ELSE alarm_state.kind END,
         severity = CASE WHEN $9 THEN excluded.severity ELSE alarm_state.severity END,
         message = CASE WHEN $9 THEN excluded.message ELSE alarm_state.message END,
         first_ts = LEAST(alarm_state.first_ts, excluded.first_ts)`,
      [
        farmId,
        event.alarmId,
        event.coopId,
        event.kind,
        event.severity,
        event.message,
        event.ts,
        event.type === 'alarm_acknowledged' ? event.actorId : null,
        event.type === 'alarm_raised',
      ],
    );
    if (event.type === 'alarm_raised') await notifyAlarm(client, farmId, event);
    changes.changed = true;
    changes.alarmIds.add(event.alarmId);
    return;
  }
  const record = readDailyRecord(event as unknown as Record<string, unknown>);
  if (record) {
    const m = record.mortality;
    await client.query(
      `INSERT INTO daily_record (farm_id, coop_id, date, ts, event_id, mortality_heat, mortality_sick, mortality_injured, mortality_unknown,
         culls, feed_bags, water_meter, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (farm_id, coop_id, date) DO UPDATE SET ts = excluded.ts, event_id = excluded.event_id,
         mortality_heat = excluded.mortality_heat, mortality_sick = excluded.mortality_sick, mortality_injured = excluded.mortality_injured,
         mortality_unknown = excluded.mortality_unknown, culls = excluded.culls, feed_bags = excluded.feed_bags,
         water_meter = excluded.water_meter, note = excluded.note
       WHERE (daily_record.ts, daily_record.event_id) < (excluded.ts, excluded.event_id)`,
      [farmId, record.coopId, record.date, event.ts, event.id, m.heat, m.sick, m.injured, m.unknown, record.culls, record.feedBags, record.waterMeter, record.note],
    );
  }
}

async function notifyAlarm(client: pg.PoolClient, farmId: string, event: Extract<Event, { alarmId: string }>): Promise<void> {
  const title = `${event.severity === 'critical' ? 'Critical alarm' : 'Warning'}: ${event.kind.replaceAll('_', ' ')}`;
  await client.query(
    `INSERT INTO notification (farm_id, source_event_id, kind, title, body, created_at) VALUES ($1, $2, 'alarm_raised', $3, $4, $5)
     ON CONFLICT (farm_id, source_event_id) DO NOTHING`,
    [farmId, event.id, title, event.message, event.ts],
  );
}

/** Keeps the newest reading per sensor (readings of one batch may come in any order). */
export async function projectReadings(client: pg.PoolClient, farmId: string, readings: readonly Reading[], changes: LiveChanges): Promise<void> {
  const newest = new Map<string, Reading>();
  const lastOk = new Map<string, Reading & { status: 'ok' }>();
  for (const reading of readings) {
    const seen = newest.get(reading.sensorId);
    if (!seen || reading.ts > seen.ts) newest.set(reading.sensorId, reading);
    const ok = lastOk.get(reading.sensorId);
    if (reading.status === 'ok' && (!ok || reading.ts > ok.ts)) lastOk.set(reading.sensorId, reading);
  }
  if (newest.size === 0) return;
  const rows = [...newest.values()].sort((a, b) => (a.sensorId < b.sensorId ? -1 : 1));
  const ok = (r: Reading) => lastOk.get(r.sensorId);
  await client.query(
    `INSERT INTO sensor_latest (farm_id, sensor_id, ts, status, value, failure, last_ok_value, last_ok_ts)
       SELECT $1, r.sensor_id, r.ts, r.status, r.value, r.failure, r.ok_value, r.ok_ts
         FROM unnest($2::text[], $3::bigint[], $4::text[], $5::float8[], $6::text[], $7::float8[], $8::bigint[])
              AS r(sensor_id, ts, status, value, failure, ok_value, ok_ts)
     ON CONFLICT (farm_id, sensor_id) DO UPDATE SET
       ts = GREATEST(sensor_latest.ts, excluded.ts),
       status = CASE WHEN excluded.ts > sensor_latest.ts THEN excluded.status ELSE sensor_latest.status END,
       value = CASE WHEN excluded.ts > sensor_latest.ts THEN excluded.value ELSE sensor_latest.value END,
       failure = CASE WHEN excluded.ts > sensor_latest.ts THEN excluded.failure ELSE sensor_latest.failure END,
       last_ok_value = CASE WHEN excluded.last_ok_ts > COALESCE(sensor_latest.last_ok_ts, 0) THEN excluded.last_ok_value ELSE sensor_latest.last_ok_value END,
       last_ok_ts = GREATEST(sensor_latest.last_ok_ts, excluded.last_ok_ts)`,
    [
      farmId,
      rows.map((r) => r.sensorId),
      rows.map((r) => r.ts),
      rows.map((r) => r.status),
      rows.map((r) => (r.status === 'ok' ? r.value : null)),
      rows.map((r) => (r.status === 'failed' ? r.failure : null)),
      rows.map((r) => ok(r)?.value ?? null),
      rows.map((r) => ok(r)?.ts ?? null),
    ],
  );
  changes.changed = true;
}

/** Records that the edge reached the cloud now (the farm is online). */
export async function touchEdge(client: pg.PoolClient | pg.Pool, edgeId: string, farmId: string, nowMs: number): Promise<void> {
  await client.query(
    `INSERT INTO edge_presence (edge_id, farm_id, last_seen_ms) VALUES ($1, $2, $3)
     ON CONFLICT (edge_id) DO UPDATE SET last_seen_ms = GREATEST(edge_presence.last_seen_ms, excluded.last_seen_ms), farm_id = excluded.farm_id`,
    [edgeId, farmId, nowMs],
  );
}

/** Announces the changes; Postgres delivers the notification only when the transaction commits. */
export async function announceLive(client: pg.PoolClient, farmId: string, changes: LiveChanges): Promise<void> {
  if (!changes.changed) return;
  const note: LiveNote = { farmId };
  if (changes.alarmIds.size > 0) note.alarmIds = [...changes.alarmIds].slice(0, MAX_NOTE_ALARMS);
  await client.query('SELECT pg_notify($1, $2)', [LIVE_NOTIFY_CHANNEL, JSON.stringify(note)]);
}
