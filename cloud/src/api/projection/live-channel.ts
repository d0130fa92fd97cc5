/** Channel on which ingest announces, on commit, that a farm's live state changed. */
export const LIVE_NOTIFY_CHANNEL = 'tokkatot_live';

/** Payload of one announcement: the farm, and the alarms whose state moved (at most a page). */
export interface LiveNote {
  farmId: string;
  alarmIds?: string[];
}

/** Most alarm ids one announcement carries; NOTIFY payloads are capped at 8000 bytes. */
export const MAX_NOTE_ALARMS = 50;
