import type { UpdateWindow } from '@tokkatot/shared';
import { getLocalParts, parseTimeOfDay } from '../automation/zoned-time.js';

/**
 * Whether an instant falls inside the farm's daily update window, on the farm's local clock. The
 * start is inside and the end is not; an end before the start spans midnight (23:00–01:00); an
 * end equal to the start is an empty window: nothing is ever updated, which is the safe reading
 * of a window nobody could have meant as "all day".
 */
export function isInsideUpdateWindow(window: UpdateWindow, at: number, zone: string): boolean {
  const start = parseTimeOfDay(window.start);
  const end = parseTimeOfDay(window.end);
  if (start === end) return false;
  const local = getLocalParts(at, zone);
  const minute = local.hour * 60 + local.minute;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
