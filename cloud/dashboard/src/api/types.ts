/** Shapes of docs/cloud/api.md the dashboard reads. Kept here: the dashboard speaks HTTP only. */
import type { ClimateRule, Role, Schedule } from '@tokkatot/shared';

export type { ClimateRule, Role, Schedule };

export interface User {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  admin: boolean;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (ms), from `expiresIn`. */
  expiresAt: number;
  user: User;
}

export interface LoginAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface Membership {
  farmId: string;
  farmName: string;
  role: Role;
}

export interface FarmOverview {
  id: string;
  name: string;
  role: Role;
  online: boolean;
  lastSyncAt: number | null;
  openAlarms: number;
  /** The contract names the coops; older servers send a count. */
  coops: CoopSummary[] | number;
}

export type CoopStatus = 'good' | 'too_hot' | 'too_cold' | 'unknown';

export interface CoopSummary {
  id: string;
  name: string;
  temperatureC: number | null;
  humidityPercent: number | null;
  targetLowC: number | null;
  targetHighC: number | null;
  status: CoopStatus;
  outputsOn: number;
  openAlarms: number;
  updatedAt: number | null;
}

export interface FarmDetail {
  id: string;
  name: string;
  timeZone: string;
  online: boolean;
  lastSyncAt: number | null;
  openAlarms: number;
  coops: CoopSummary[];
}

export interface SensorState {
  id: string;
  name: string;
  kind: string;
  unit: string;
  value: number | null;
  status: string;
  ts: number | null;
}

export interface OutputState {
  id: string;
  name: string;
  kind: string;
  state: 'on' | 'off' | 'unknown';
  source: string | null;
  reason: string | null;
  since: number | null;
}

export interface Alarm {
  alarmId: string;
  coopId: string | null;
  kind: string;
  severity: string;
  message: string;
  state: string;
  raisedAt: number;
  acknowledgedAt: number | null;
  clearedAt: number | null;
}

export interface CoopState extends CoopSummary {
  sensors: SensorState[];
  outputs: OutputState[];
  alarms: Alarm[];
  rules: ClimateRule[];
}

export interface HistoryAnswer {
  resolution: 'minute' | 'hour' | 'day';
  points: Array<{ t: number; min: number | null; max: number | null; mean: number | null; count: number }>;
}

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: Role;
}

export interface Invitation {
  code: string;
  expiresAt: number;
}

export type FirmwareChannel = 'stable' | 'beta';

/** A signed release as the catalogue lists it (only the fields the dashboard shows). */
export interface FirmwareReleaseSummary {
  version: string;
  board: string;
  channel: FirmwareChannel;
  minHardwareRevision: number;
  publishedAt: number;
  notes: string;
}

export interface FirmwareNode {
  id: string;
  name: string;
  coopId: string | null;
  firmwareVersion: string;
  hardwareRevision: number;
  lastSeenAt: number | null;
  /** null while the farm has no target. */
  upToDate: boolean | null;
  compatible: boolean | null;
}

export interface FirmwareSettings {
  channel: FirmwareChannel;
  /** "HH:MM" on the farm's clock; an end before the start spans midnight. */
  window: { start: string; end: string };
  paused: boolean;
}

/** GET /v1/farms/:farmId/firmware (and the answer of its PUT). */
export interface FarmFirmware {
  farmId: string;
  settings: FirmwareSettings;
  rollout: { version: string; board: string; percent: number; inStage: boolean } | null;
  target: { release: FirmwareReleaseSummary | null; hlc: string; updatedAt: number } | null;
  nodes: FirmwareNode[];
}

/** GET /v1/firmware/releases: a signed release in the catalogue, with when the cloud imported it. */
export interface CatalogueRelease extends FirmwareReleaseSummary {
  size: number;
  sha256: string;
  objectKey: string;
  importedAt: number;
}

/** A channel's rollout as the admin routes answer it. */
export interface ChannelRollout {
  channel: FirmwareChannel;
  version: string;
  board: string;
  percent: number;
  updatedBy: string | null;
  updatedAt: number;
}

/** GET /v1/admin/firmware/channels: one entry per channel. */
export interface ChannelState {
  channel: FirmwareChannel;
  rollout: ChannelRollout | null;
  /** Farms on the channel, and those of them inside the rollout's stage. */
  farms: number;
  inStage: number;
}

/** The answer of PUT /v1/admin/firmware/channels/:channel. */
export interface RolloutAnswer {
  rollout: ChannelRollout;
  previous: ChannelRollout | null;
  farms: number;
  inStage: number;
  retargetedFarms: string[];
}

/** The answer of POST /v1/admin/firmware/import. */
export interface ImportReport {
  added: string[];
  updated: string[];
  unchanged: number;
  refused: Array<{ index: number; version: string | null; board: string | null; reason: string }>;
  retargetedFarms: string[];
}
