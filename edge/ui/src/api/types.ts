import type { Alarm, Coop, Node, Output, OutputReasonSource, Role, Sensor } from '@tokkatot/shared';

/** Shapes of the edge API's answers (edge/src/http/views.ts), as the app reads them. */
export interface OutputView extends Output {
  active: boolean;
  inactiveReason: string | null;
  current: { state: 'on' | 'off'; level: number | null; source: OutputReasonSource; reason: string; why?: ReasonPart | null; since: number } | null;
  manual: { commandId: string; state: 'on' | 'off'; reason: string; expiresAt: number } | null;
}

/**
 * The structured form of a "why" sentence or an alarm message (edge/src/automation/reason-structure.ts):
 * a code and its figures, for the app to say in the chosen language. Absent or null: show the sentence.
 */
export interface ReasonPart {
  code: string;
  valueC?: number;
  limitC?: number;
  hysteresis?: boolean;
  percent?: number;
  cycleSeconds?: number;
  offPart?: boolean;
  humidityPercent?: number | null;
  humidityLimitPercent?: number | null;
  mode?: string;
  stops?: 'cooling' | 'heating';
  seconds?: number;
  until?: string | null;
  since?: string | null;
  next?: string | null;
  missed?: string;
  held?: 'on' | 'off';
  schedule?: string;
  by?: string | null;
  sensor?: string;
  cause?: string;
  node?: string;
  output?: string;
  state?: 'on' | 'off';
}

/** An alarm as GET /api/alarms answers it: with the message's structured form. */
export type AlarmView = Alarm & { why?: ReasonPart | null };

export interface SensorView extends Sensor {
  active: boolean;
  latest: { ts: number; value: number | null; failure: string | null } | null;
}

/** The band a coop aims at now (GET /api/coop-targets). */
export interface CoopTarget {
  coopId: string;
  lowC: number;
  highC: number;
  targetC: number | null;
  growthDay: number | null;
}

export interface CoopView extends Coop {
  outputs: OutputView[];
  sensors: SensorView[];
  openAlarms: number;
  /** The band in force, merged in from /api/coop-targets (null: no climate rule). */
  target?: CoopTarget | null;
}

export interface NodeView extends Node {
  online: boolean;
}

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  locale: 'km' | 'en';
  disabled?: boolean;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: PublicUser;
}

export interface ManualResult {
  confirmed: boolean | null;
  decision: { state: 'on' | 'off'; source: OutputReasonSource; reason: string };
  output: OutputView;
}

export interface DailyRecord {
  coopId: string;
  date: string;
  mortality: { heat: number; sick: number; injured: number; unknown: number };
  culls: number;
  feedBags: number;
  waterMeter: number | null;
  note: string;
}

export type { Alarm, Role };
