import { z } from 'zod';
import { OutputKindSchema } from '../domain/output.js';
import { SensorFailureSchema } from '../domain/reading.js';
import { SensorKindSchema } from '../domain/sensor.js';
import {
  FAULT_KIND_CODES,
  FIRMWARE_SLOT_CODES,
  NACK_ERROR_CODES,
  OUTPUT_REASON_CODES,
  RESET_REASON_CODES,
  UPDATE_ERROR_CODES,
  UPDATE_STATE_CODES,
  listCodeNames,
} from './codes.js';
import { MAX_FETCH_URL_LENGTH, MAX_FIRMWARE_VERSION_LENGTH, MAX_NODE_ID_LENGTH, MAX_OUTPUTS, MAX_SENSORS, MAX_UPDATE_CHUNK_BYTES } from './constants.js';

const u8 = z.number().int().min(0).max(0xff);
const u16 = z.number().int().min(0).max(0xffff);
const u32 = z.number().int().min(0).max(0xffffffff);
/** A channel number on a node; 255 is reserved for "none". */
export const DeviceChannelSchema = z.number().int().min(0).max(254);
/** A value in hundredths, as carried by a signed 32-bit integer. */
const centi = z
  .number()
  .min(-21_474_836.48)
  .max(21_474_836.47)
  .refine((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6, 'must have at most two decimals');

/** A node id is also its MQTT user name and a topic level: lower-case letters, digits and "-". */
export const DeviceNodeIdSchema = z
  .string()
  .min(1)
  .max(MAX_NODE_ID_LENGTH)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and "-", starting with a letter or digit');

export const DeviceFirmwareVersionSchema = z
  .string()
  .max(MAX_FIRMWARE_VERSION_LENGTH)
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}(-[0-9A-Za-z.-]{1,20})?$/, 'must be a version such as "1.4.2"');

export const OutputReasonSchema = z.enum(listCodeNames(OUTPUT_REASON_CODES));
export const ResetReasonSchema = z.enum(listCodeNames(RESET_REASON_CODES));
export const NackErrorSchema = z.enum(listCodeNames(NACK_ERROR_CODES));
export const FaultKindSchema = z.enum(listCodeNames(FAULT_KIND_CODES));
export const SwitchStateSchema = z.enum(['off', 'on']);
export const FirmwareSlotSchema = z.enum(listCodeNames(FIRMWARE_SLOT_CODES));
export const UpdateStateSchema = z.enum(listCodeNames(UPDATE_STATE_CODES));
export const UpdateErrorSchema = z.enum(listCodeNames(UPDATE_ERROR_CODES));
/** A SHA-256 digest as 64 lower-case hex characters (32 bytes on the wire). */
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');

function hasUniqueChannels(items: readonly { channel: number }[]): boolean {
  return new Set(items.map((item) => item.channel)).size === items.length;
}
const uniqueChannels = { message: 'channels must be unique' };

// ---- node → edge -------------------------------------------------------------------------

/** First message after boot (and on request): who the node is and what it can drive and read. */
export const HelloMessageSchema = z.strictObject({
  type: z.literal('hello'),
  nodeId: DeviceNodeIdSchema,
  firmwareVersion: DeviceFirmwareVersionSchema,
  hardwareRevision: u8,
  /** Random per boot: a command addressed to an older boot is refused (stale_session). */
  bootId: u32,
  resetReason: ResetReasonSchema,
  /** The slot the running image was booted from. */
  slot: FirmwareSlotSchema,
  /** False on the first boots of a new image until the edge confirms it (else the node rolls back). */
  imageConfirmed: z.boolean(),
  outputs: z
    .array(z.strictObject({ channel: DeviceChannelSchema, kind: OutputKindSchema, dimmable: z.boolean(), activeLow: z.boolean() }))
    .max(MAX_OUTPUTS)
    .refine(hasUniqueChannels, uniqueChannels),
  sensors: z
    .array(z.strictObject({ channel: DeviceChannelSchema, kind: SensorKindSchema }))
    .max(MAX_SENSORS)
    .refine(hasUniqueChannels, uniqueChannels),
});

export const LinkCountersSchema = z.strictObject({
  rxFrames: u32,
  txFrames: u32,
  rxCrcErrors: u32,
  rxMalformed: u32,
  rxDuplicates: u32,
  linkLosses: u32,
});

export const HeartbeatMessageSchema = z.strictObject({
  type: z.literal('heartbeat'),
  bootId: u32,
  uptimeS: u32,
  freeHeap: u32,
  /** Wi-Fi signal in dBm; null on a wired (serial) node. */
  rssi: z.number().int().min(-127).max(127).nullable(),
  /** False while the node is in fail-safe because the edge has been silent too long. */
  linkUp: z.boolean(),
  /** A firmware transfer is in progress: outputs are held in their fail-safe state. */
  updating: z.boolean(),
  counters: LinkCountersSchema,
  firmwareVersion: DeviceFirmwareVersionSchema,
  slot: FirmwareSlotSchema,
  imageConfirmed: z.boolean(),
});

/** One sample: a value, or why there is none. A failure never carries a number. */
export const DeviceReadingSchema = z.discriminatedUnion('status', [
  z.strictObject({ channel: DeviceChannelSchema, status: z.literal('ok'), value: centi }),
  z.strictObject({ channel: DeviceChannelSchema, status: z.literal('failed'), failure: SensorFailureSchema }),
]);

export const ReadingsMessageSchema = z.strictObject({
  type: z.literal('readings'),
  readings: z.array(DeviceReadingSchema).max(MAX_SENSORS).refine(hasUniqueChannels, uniqueChannels),
});

/** The request with this sequence number and id was executed (or had been, for a retry). */
export const AckMessageSchema = z.strictObject({ type: z.literal('ack'), ackSeq: u16, id: u32 });

/** The request was refused and nothing was changed. */
export const NackMessageSchema = z.strictObject({ type: z.literal('nack'), ackSeq: u16, id: u32, error: NackErrorSchema });

export const OutputStateSchema = z.strictObject({
  channel: DeviceChannelSchema,
  state: SwitchStateSchema,
  /** 0–100 %; 100 for an on relay, 0 when off. */
  level: z.number().int().min(0).max(100),
  reason: OutputReasonSchema,
  /** Seconds until the node switches it off by itself (duration or maximum ON time); 0 = none. */
  remainingS: u32,
});

/** The actual state of every output, sent on each change and with every heartbeat. */
export const StateMessageSchema = z.strictObject({
  type: z.literal('state'),
  bootId: u32,
  configured: z.boolean(),
  failSafeActive: z.boolean(),
  /** A firmware transfer is in progress: outputs are held in fail-safe and commands are refused. */
  updating: z.boolean(),
  outputs: z.array(OutputStateSchema).max(MAX_OUTPUTS).refine(hasUniqueChannels, uniqueChannels),
});

export const FaultMessageSchema = z.strictObject({
  type: z.literal('fault'),
  fault: FaultKindSchema,
  /** The output or sensor concerned, or null for the whole node. */
  channel: DeviceChannelSchema.nullable(),
  /** Kind-specific detail (the sensor failure code for sensor_failure), else 0. */
  detail: u8,
});

/**
 * Where a firmware transfer stands: the answer to every update request. nextOffset is the first
 * byte the node still needs (receiving), or the image size once everything arrived.
 */
export const UpdateStatusMessageSchema = z
  .strictObject({
    type: z.literal('updateStatus'),
    state: UpdateStateSchema,
    /** Why the request was refused or the transfer failed; null when nothing went wrong. */
    error: UpdateErrorSchema.nullable(),
    nextOffset: u32,
  })
  .refine((m) => m.state !== 'failed' || m.error !== null, { message: 'a failed transfer names its error', path: ['error'] });

// ---- edge → node -------------------------------------------------------------------------

export const OutputConfigSchema = z.strictObject({
  channel: DeviceChannelSchema,
  failSafe: SwitchStateSchema,
  maxOnS: z.number().int().min(1).max(86_400),
});

export const SensorConfigSchema = z.strictObject({
  channel: DeviceChannelSchema,
  samplePeriodMs: z.number().int().min(100).max(3_600_000),
  /** Calibration: value = raw × scale + offset, in the sensor's unit. */
  offset: centi,
  scale: z
    .number()
    .min(0.01)
    .max(100)
    .refine((value) => Math.abs(Math.round(value * 1000) - value * 1000) < 1e-6, 'must have at most three decimals'),
});

export const ConfigMessageSchema = z.strictObject({
  type: z.literal('config'),
  id: u32,
  /** The node applies fail-safe states when no valid frame arrived from the edge for this long. */
  linkTimeoutMs: z.number().int().min(500).max(3_600_000),
  heartbeatPeriodMs: z.number().int().min(100).max(600_000),
  outputs: z.array(OutputConfigSchema).max(MAX_OUTPUTS).refine(hasUniqueChannels, uniqueChannels),
  sensors: z.array(SensorConfigSchema).max(MAX_SENSORS).refine(hasUniqueChannels, uniqueChannels),
});

export const SetOutputMessageSchema = z
  .strictObject({
    type: z.literal('setOutput'),
    id: u32,
    /** The boot this command was meant for (from the hello): a rebooted node refuses it. */
    bootId: u32,
    channel: DeviceChannelSchema,
    state: SwitchStateSchema,
    level: z.number().int().min(0).max(100),
    /** Switch off again after this many seconds; 0 = stay (still bounded by the maximum ON time). */
    durationS: u32,
  })
  .refine((m) => (m.state === 'off' ? m.level === 0 : m.level > 0), {
    message: 'level must be 0 when off and 1–100 when on',
    path: ['level'],
  });

/**
 * Starts (or resumes) a firmware transfer into the inactive slot. Sending the same image again
 * resumes: the node answers with the offset it needs next. A different image starts over.
 */
export const UpdateBeginMessageSchema = z.strictObject({
  type: z.literal('updateBegin'),
  version: DeviceFirmwareVersionSchema,
  size: z.number().int().min(1).max(0xffffffff),
  sha256: Sha256HexSchema,
  /** The longest chunk the edge will send. */
  chunkSize: z.number().int().min(1).max(MAX_UPDATE_CHUNK_BYTES),
});

/** Image bytes at an offset; idempotent: a chunk the node already has is acknowledged, not rewritten. */
export const UpdateChunkMessageSchema = z.strictObject({
  type: z.literal('updateChunk'),
  offset: u32,
  /** The bytes as lower-case hex (1 – MAX_UPDATE_CHUNK_BYTES bytes). */
  data: z
    .string()
    .regex(/^(?:[0-9a-f]{2})+$/, 'must be lower-case hex bytes')
    .max(MAX_UPDATE_CHUNK_BYTES * 2),
});

/** Boots the verified image (pending); unconfirmed after healthTimeoutS, the node rolls back by itself. */
export const UpdateCommitMessageSchema = z.strictObject({
  type: z.literal('updateCommit'),
  healthTimeoutS: z.number().int().min(1).max(3600),
});

/** The edge saw the new image healthy: the node keeps it for good. */
export const UpdateConfirmMessageSchema = z.strictObject({ type: z.literal('updateConfirm') });

/**
 * Like updateBegin, but the node fetches the image itself with HTTP range requests from url
 * (plain http://host:port/path on the farm LAN), a bounded piece per tick, reporting
 * `receiving <offset>` as it goes. The same image again resumes from the offset the node has.
 * A node that cannot fetch answers with the error fetch_unsupported; the edge then pushes.
 */
export const UpdateFetchMessageSchema = z.strictObject({
  type: z.literal('updateFetch'),
  version: DeviceFirmwareVersionSchema,
  size: z.number().int().min(1).max(0xffffffff),
  sha256: Sha256HexSchema,
  url: z
    .string()
    .max(MAX_FETCH_URL_LENGTH)
    .regex(/^http:\/\/[!-~]+$/, 'must be an http:// URL of printable ASCII without spaces'),
});

/** Keeps the link alive: any valid frame from the edge resets the node's link timer. */
export const PingMessageSchema = z.strictObject({ type: z.literal('ping') });

/** Asks the node to send its hello again (the edge restarted, or a port reopened). */
export const HelloRequestMessageSchema = z.strictObject({ type: z.literal('helloRequest') });

export const DeviceMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema,
  HeartbeatMessageSchema,
  ReadingsMessageSchema,
  AckMessageSchema,
  NackMessageSchema,
  StateMessageSchema,
  FaultMessageSchema,
  UpdateStatusMessageSchema,
  ConfigMessageSchema,
  SetOutputMessageSchema,
  PingMessageSchema,
  HelloRequestMessageSchema,
  UpdateBeginMessageSchema,
  UpdateChunkMessageSchema,
  UpdateCommitMessageSchema,
  UpdateConfirmMessageSchema,
  UpdateFetchMessageSchema,
]);

export type HelloMessage = z.infer<typeof HelloMessageSchema>;
export type HeartbeatMessage = z.infer<typeof HeartbeatMessageSchema>;
export type LinkCounters = z.infer<typeof LinkCountersSchema>;
export type DeviceReading = z.infer<typeof DeviceReadingSchema>;
export type ReadingsMessage = z.infer<typeof ReadingsMessageSchema>;
export type AckMessage = z.infer<typeof AckMessageSchema>;
export type NackMessage = z.infer<typeof NackMessageSchema>;
export type OutputState = z.infer<typeof OutputStateSchema>;
export type StateMessage = z.infer<typeof StateMessageSchema>;
export type FaultMessage = z.infer<typeof FaultMessageSchema>;
export type OutputConfig = z.infer<typeof OutputConfigSchema>;
export type SensorConfig = z.infer<typeof SensorConfigSchema>;
export type ConfigMessage = z.infer<typeof ConfigMessageSchema>;
export type SetOutputMessage = z.infer<typeof SetOutputMessageSchema>;
export type PingMessage = z.infer<typeof PingMessageSchema>;
export type HelloRequestMessage = z.infer<typeof HelloRequestMessageSchema>;
export type UpdateStatusMessage = z.infer<typeof UpdateStatusMessageSchema>;
export type UpdateBeginMessage = z.infer<typeof UpdateBeginMessageSchema>;
export type UpdateChunkMessage = z.infer<typeof UpdateChunkMessageSchema>;
export type UpdateCommitMessage = z.infer<typeof UpdateCommitMessageSchema>;
export type UpdateConfirmMessage = z.infer<typeof UpdateConfirmMessageSchema>;
export type UpdateFetchMessage = z.infer<typeof UpdateFetchMessageSchema>;
export type DeviceMessage = z.infer<typeof DeviceMessageSchema>;

/** A decoded frame: the sender's sequence number and the message. */
export const DeviceFrameSchema = z.strictObject({ seq: u16, message: DeviceMessageSchema });
export type DeviceFrame = z.infer<typeof DeviceFrameSchema>;

/** Messages a node sends; the others flow from the edge to the node. */
export const NODE_MESSAGE_TYPES = ['hello', 'heartbeat', 'readings', 'ack', 'nack', 'state', 'fault', 'updateStatus'] as const;
export const EDGE_MESSAGE_TYPES = ['config', 'setOutput', 'ping', 'helloRequest', 'updateBegin', 'updateChunk', 'updateCommit', 'updateConfirm', 'updateFetch'] as const;
