import type { OutputKind } from '../domain/output.js';
import type { SensorFailure } from '../domain/reading.js';
import type { SensorKind } from '../domain/sensor.js';

// Every enumeration on the wire is one byte; these tables are the single source of the numbers
// (docs/protocol/device-protocol.md repeats them, firmware/core/include/tokkatot/protocol.h mirrors them).

export const MESSAGE_TYPE_CODES = {
  hello: 0x01,
  heartbeat: 0x02,
  readings: 0x03,
  ack: 0x04,
  nack: 0x05,
  state: 0x06,
  fault: 0x07,
  updateStatus: 0x08,
  config: 0x10,
  setOutput: 0x11,
  ping: 0x12,
  helloRequest: 0x13,
  updateBegin: 0x14,
  updateChunk: 0x15,
  updateCommit: 0x16,
  updateConfirm: 0x17,
  updateFetch: 0x18,
} as const;
export type MessageType = keyof typeof MESSAGE_TYPE_CODES;

export const OUTPUT_KIND_CODES = {
  fan: 1,
  heater: 2,
  feeder: 3,
  conveyor: 4,
  light: 5,
  water_pump: 6,
  siren: 7,
  relay: 8,
} as const satisfies Record<OutputKind, number>;

export const SENSOR_KIND_CODES = {
  temperature: 1,
  humidity: 2,
  water_level: 3,
  ammonia: 4,
  power: 5,
} as const satisfies Record<SensorKind, number>;

/** Reading status: 0 is a value, anything else is why there is none. */
export const SENSOR_FAILURE_CODES = {
  no_response: 1,
  checksum: 2,
  out_of_range: 3,
  stuck: 4,
  disconnected: 5,
} as const satisfies Record<SensorFailure, number>;
export const SENSOR_STATUS_OK = 0;

export const OUTPUT_REASON_CODES = {
  boot: 0,
  commanded: 1,
  duration_elapsed: 2,
  fail_safe: 3,
  max_on_cut: 4,
  local: 5,
} as const;
export type OutputReason = keyof typeof OUTPUT_REASON_CODES;

export const RESET_REASON_CODES = {
  unknown: 0,
  power_on: 1,
  software: 2,
  watchdog: 3,
  brownout: 4,
  panic: 5,
  external: 6,
} as const;
export type ResetReason = keyof typeof RESET_REASON_CODES;

export const NACK_ERROR_CODES = {
  unknown_output: 1,
  invalid_level: 2,
  exceeds_max_on: 3,
  stale_session: 4,
  invalid_config: 5,
  unsupported: 6,
  not_configured: 7,
  /** A firmware update is in progress: outputs are held in their fail-safe state. */
  updating: 8,
} as const;
export type NackError = keyof typeof NACK_ERROR_CODES;

export const FAULT_KIND_CODES = {
  sensor_failure: 1,
  sensor_recovered: 2,
  watchdog_reset: 3,
  brownout_reset: 4,
  panic_reset: 5,
  link_lost: 6,
  link_restored: 7,
  max_on_cut: 8,
} as const;
export type FaultKind = keyof typeof FAULT_KIND_CODES;

/** The two firmware slots (A/B partitions) a node boots from. */
export const FIRMWARE_SLOT_CODES = {
  a: 0,
  b: 1,
} as const;
export type FirmwareSlot = keyof typeof FIRMWARE_SLOT_CODES;

/** Where a firmware transfer stands on the node (updateStatus). */
export const UPDATE_STATE_CODES = {
  idle: 0,
  receiving: 1,
  verifying: 2,
  ready: 3,
  failed: 4,
  rebooting: 5,
} as const;
export type UpdateState = keyof typeof UPDATE_STATE_CODES;

/** Why the node refused an update request or failed a transfer; 0 on the wire = none. */
export const UPDATE_ERROR_CODES = {
  too_large: 1,
  hash_mismatch: 2,
  flash_error: 3,
  no_transfer: 4,
  bad_chunk: 5,
  not_ready: 6,
  /** The bootloader would not accept the verified image (bad header for this chip). */
  invalid_image: 7,
  /** The running image is itself still unconfirmed: its slot is the way back and may not be overwritten. */
  image_unconfirmed: 8,
  /** The node cannot fetch an image over HTTP (a wired node, or firmware without it): push it instead. */
  fetch_unsupported: 9,
  /** Fetching kept failing (server errors, a wrong range, too many bytes); what arrived stays resumable. */
  fetch_failed: 10,
} as const;
export type UpdateError = keyof typeof UPDATE_ERROR_CODES;

/** Looks a wire byte up in one of the tables above; undefined when the byte is not assigned. */
export function findCodeName<T extends Record<string, number>>(table: T, code: number): keyof T | undefined {
  for (const [name, value] of Object.entries(table)) if (value === code) return name as keyof T;
  return undefined;
}

/** Names of a code table, for z.enum. */
export function listCodeNames<T extends Record<string, number>>(table: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];
}
