import type { FarmTab } from './screens/farm-shell.js';

/** A client route: the farms list, a farm's tab, one coop, or the platform's firmware rollouts (administrators). */
export type Route =
  | { kind: 'farms' }
  | { kind: 'farm'; farmId: string; tab: FarmTab }
  | { kind: 'coop'; farmId: string; coopId: string }
  | { kind: 'adminFirmware' }
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
  if (parts[0] !== 'farms' || !parts[1]) return { kind: 'missing' };
  const farmId = parts[1];
  if (parts.length === 2) return { kind: 'farm', farmId, tab: 'coops' };
  if (parts.length === 4 && parts[2] === 'coops') return { kind: 'coop', farmId, coopId: parts[3]! };
  if (parts.length === 3 && (parts[2] === 'alarms' || parts[2] === 'schedules' || parts[2] === 'members' || parts[2] === 'firmware')) return { kind: 'farm', farmId, tab: parts[2] };
  return { kind: 'missing' };
}
