/**
 * The farm's audit log in the owner's words, without DOM or network (so it runs in node): which
 * sentence each action gets, and which changes ("from → to") an entry's detail carries, with
 * the field names the rest of the dashboard already uses.
 */
import type { MessageKey } from '../i18n/en.js';

/** An entry as GET /v1/farms/:farmId/audit answers it. */
export interface AuditEntry {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

const ACTIONS: Record<string, MessageKey> = {
  'config.rule': 'auditConfigRule',
  'config.schedule': 'auditConfigSchedule',
  'config.alarm_settings': 'auditConfigAlarms',
  'command.issue': 'auditCommand',
  'command.cancel': 'auditCommandCancel',
  'alarm.acknowledge': 'auditAlarmAck',
  'member.joined': 'auditMemberJoined',
  'member.removed': 'auditMemberRemoved',
  'member.role_changed': 'auditMemberRole',
  'invitation.created': 'auditInvitation',
  'edge.paired': 'auditEdgePaired',
  'farm.created': 'auditFarmCreated',
  'firmware.settings': 'auditFirmwareSettings',
};

export function actionSentence(action: string): MessageKey {
  return ACTIONS[action] ?? 'auditOther';
}

/** Labels of fields that edits change, shared with the editors that change them. */
const FIELDS: Record<string, MessageKey> = {
  bandLowC: 'bandLow',
  bandHighC: 'bandHigh',
  enabled: 'enabled',
  role: 'role',
  startTime: 'startTime',
  runSeconds: 'runMinutes',
  offSeconds: 'offMinutes',
  onSeconds: 'onMinutes',
  repeat: 'repeatTimes',
  windowStart: 'windowStart',
  windowEnd: 'windowEnd',
  temperatureHighC: 'alarmHigh',
  temperatureLowC: 'alarmLow',
  aboveTargetC: 'alarmAboveTarget',
  belowTargetC: 'alarmBelowTarget',
  temperatureDelaySeconds: 'alarmTempDelay',
  waterDelaySeconds: 'alarmWaterDelay',
  nodeOfflineSeconds: 'alarmNodeOffline',
  sensorFailureDelaySeconds: 'alarmSensorDelay',
  outputConfirmSeconds: 'alarmOutputConfirm',
  reminderSeconds: 'alarmReminder',
};

/** Seconds shown in minutes where the editor shows minutes. */
const IN_MINUTES = new Set(['runSeconds', 'offSeconds', 'onSeconds', 'reminderSeconds']);

export interface ChangeLine {
  field: string;
  /** The dashboard's label for it, or null: the raw field name is shown then. */
  label: MessageKey | null;
  from: string;
  to: string;
}

function shown(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && IN_MINUTES.has(field)) return String(Math.round((value / 60) * 10) / 10);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The "field: from → to" lines of an entry: edits store `{ field: { from, to } }`, a role change
 * stores `{ from, to }` of the role. Anything else has no change lines.
 */
export function changeLines(entry: Pick<AuditEntry, 'action' | 'detail'>): ChangeLine[] {
  const detail = entry.detail ?? {};
  if (entry.action === 'member.role_changed' && 'from' in detail && 'to' in detail) {
    return [{ field: 'role', label: 'role', from: String(detail.from), to: String(detail.to) }];
  }
  if (!entry.action.startsWith('config.')) return [];
  return Object.entries(detail)
    .filter((pair): pair is [string, { from: unknown; to: unknown }] => typeof pair[1] === 'object' && pair[1] !== null && 'from' in pair[1] && 'to' in pair[1])
    .map(([field, change]) => ({ field, label: FIELDS[field] ?? null, from: shown(field, change.from), to: shown(field, change.to) }));
}

/** Whether a value is one of the roles, so it is shown in the person's language. */
export const isRole = (value: string): value is 'owner' | 'manager' | 'worker' | 'viewer' => ['owner', 'manager', 'worker', 'viewer'].includes(value);
