import type { FarmTab } from './screens/farm-shell.js';

/** A client route: the farms list, a farm's tab, one coop, or the platform's firmware rollouts (administrators). */
export type Route =
  | { kind: 'farms' }
  | { kind: 'farm'; farmId: string; tab: FarmTab }
  | { kind: 'coop'; farmId: string; coopId: string }
  | { kind: 'adminFirmware' }
  | { kind: 'notifications' }
  /** The morning report of one day, or of each farm's yesterday when `date` is null. */
  | { kind: 'report'; date: string | null }
  | { kind: 'missing' };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') return { kind: 'farms' };
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  } catch {
    return { kind: 'missing' };
  }
  if (parts.length === 2 && parts[0] === 'admin' && parts[1] === 'firmware') return { kind: 'adminFirmware' };
  if (parts.length === 1 && parts[0] === 'notifications') return { kind: 'notifications' };
  if (parts[0] === 'report' && parts.length <= 2) return parts.length === 1 ? { kind: 'report', date: null } : /^\d{4}-\d{2}-\d{2}$/.test(parts[1]!) ? { kind: 'report', date: parts[1]! } : { kind: 'missing' };
  if (parts[0] !== 'farms' || !parts[1]) return { kind: 'missing' };
  const farmId = parts[1];
  if (parts.length === 2) return { kind: 'farm', farmId, tab: 'coops' };
  if (parts.length === 4 && parts[2] === 'coops') return { kind: 'coop', farmId, coopId: parts[3]! };
  if (parts.length === 3 && (parts[2] === 'alarms' || parts[2] === 'schedules' || parts[2] === 'members' || parts[2] === 'firmware')) return { kind: 'farm', farmId, tab: parts[2] };
  return { kind: 'missing' };
}
