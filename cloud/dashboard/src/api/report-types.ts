/** Shapes of the notifications and the morning report (docs/cloud/farm-api.md) the dashboard reads. */

/** GET /v1/notifications: one entry, newest first. */
export interface NotificationView {
  id: string;
  farmId: string;
  /** `alarm_raised` or `edge_silent` today; others may come. */
  kind: string;
  /** Written by the server in English ("Critical alarm: temperature high"). */
  title: string;
  body: string;
  createdAt: number;
  readAt: number | null;
  /** The farm's name and clock (absent in copies saved before the API gave them). */
  farmName?: string;
  timeZone?: string;
  /** For `alarm_raised`: the alarm as the edge raised it. */
  alarm?: { alarmId: string; kind: string; severity: string; coopId: string | null } | null;
  /** For `edge_silent`: when the farm's controller last reached the cloud. */
  lastSeenAt?: number | null;
}

/** Water or feed on the day, against the day before and against the flock's reference. */
export interface Comparison {
  value: number | null;
  yesterday: number | null;
  vsYesterdayPercent: number | null;
  expected: number | null;
  vsExpectedPercent: number | null;
}

export interface ReportException {
  kind: string;
  /** The server's English sentence: shown in English only, never in Khmer. */
  message: string;
}

export interface CoopReport {
  coopId: string;
  coopName: string;
  recorded: boolean;
  flock: { id: string; name: string; growthDay: number; birds: number; basis: string } | null;
  water: Comparison;
  feedBags: Comparison;
  mortality: number | null;
  culls: number | null;
  band: { lowC: number; highC: number } | null;
  minutesAbove: number;
  minutesBelow: number;
  minutesWithData: number;
  exceptions: ReportException[];
}

export interface FarmReport {
  farmId: string;
  farmName: string;
  /** The farm-local date reported, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  coops: CoopReport[];
  exceptionCount: number;
}

/** GET /v1/reports/morning */
export interface MorningReport {
  farms: FarmReport[];
}
