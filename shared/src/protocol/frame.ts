import { decodeCobs, encodeCobs } from './cobs.js';
import { MESSAGE_TYPE_CODES, findCodeName } from './codes.js';
import {
  FRAME_CRC_BYTES,
  FRAME_DELIMITER,
  FRAME_HEADER_BYTES,
  MAX_FRAME_BYTES,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
} from './constants.js';
import { computeCrc32 } from './crc32.js';
import { FrameDecodeError, type FrameErrorCode } from './decode-error.js';
import { DeviceFrameSchema, DeviceMessageSchema, type DeviceFrame } from './messages.js';
import { decodePayload, encodePayload } from './payload-codec.js';

export type FrameDecodeResult = { ok: true; frame: DeviceFrame } | { ok: false; error: FrameErrorCode; detail: string };

/**
 * Encodes a frame without stuffing — the MQTT payload, and the input of COBS on serial:
 * version, type, sequence (u16 LE), payload, CRC-32 (LE) over everything before it.
 * Throws on a message that does not satisfy its schema: invalid commands never reach a wire.
 */
export function encodeFrame(frame: DeviceFrame): Uint8Array {
  const valid = DeviceFrameSchema.parse(frame);
  const payload = encodePayload(valid.message);
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length + FRAME_CRC_BYTES);
  out[0] = PROTOCOL_VERSION;
  out[1] = MESSAGE_TYPE_CODES[valid.message.type];
  out[2] = valid.seq & 0xff;
  out[3] = valid.seq >>> 8;
  out.set(payload, FRAME_HEADER_BYTES);
  writeCrc(out);
  return out;
}

function writeCrc(frame: Uint8Array): void {
  const at = frame.length - FRAME_CRC_BYTES;
  const crc = computeCrc32(frame, 0, at);
  frame[at] = crc & 0xff;
  frame[at + 1] = (crc >>> 8) & 0xff;
  frame[at + 2] = (crc >>> 16) & 0xff;
  frame[at + 3] = crc >>> 24;
}

/** Encodes a frame for the serial line: COBS-stuffed and followed by the 0x00 delimiter. */
export function encodeWireFrame(frame: DeviceFrame): Uint8Array {
  return stuffFrame(encodeFrame(frame));
}

/** COBS-stuffs an unstuffed frame and appends the delimiter. */
export function stuffFrame(raw: Uint8Array): Uint8Array {
  const stuffed = encodeCobs(raw);
  const out = new Uint8Array(stuffed.length + 1);
  out.set(stuffed);
  out[stuffed.length] = FRAME_DELIMITER;
  return out;
}

/** Decodes an unstuffed frame; every failure is a result, never an exception. */
export function decodeFrame(raw: Uint8Array): FrameDecodeResult {
  if (raw.length > MAX_FRAME_BYTES) return fail('too_long', `${raw.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  if (raw.length < FRAME_HEADER_BYTES + FRAME_CRC_BYTES) return fail('too_short', `${raw.length} bytes is shorter than a header and CRC`);
  const at = raw.length - FRAME_CRC_BYTES;
  const expected = computeCrc32(raw, 0, at);
  const actual = ((raw[at] as number) | ((raw[at + 1] as number) << 8) | ((raw[at + 2] as number) << 16) | ((raw[at + 3] as number) << 24)) >>> 0;
  // The CRC comes first: no field of a corrupted frame is trusted, not even its version.
  if (expected !== actual) return fail('crc_mismatch', `CRC ${hex32(actual)} but computed ${hex32(expected)}`);
  if (raw[0] !== PROTOCOL_VERSION) return fail('unsupported_version', `version ${raw[0]} (this side speaks ${PROTOCOL_VERSION})`);
  const type = findCodeName(MESSAGE_TYPE_CODES, raw[1] as number);
  if (type === undefined) return fail('unknown_type', `message type 0x${(raw[1] as number).toString(16).padStart(2, '0')}`);
  const seq = (raw[2] as number) | ((raw[3] as number) << 8);
  try {
    const draft = decodePayload(type, raw.subarray(FRAME_HEADER_BYTES, at));
    const checked = DeviceMessageSchema.safeParse(draft);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return fail('value_out_of_range', `${type}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return { ok: true, frame: { seq, message: checked.data } };
  } catch (error) {
    if (error instanceof FrameDecodeError) return fail(error.code, `${type}: ${error.message}`);
    throw error;
  }
}

/** Decodes one stuffed frame (without its delimiter). */
export function decodeStuffedFrame(stuffed: Uint8Array): FrameDecodeResult {
  const raw = decodeCobs(stuffed);
  if (raw === null) return fail('cobs_invalid', 'byte stuffing is broken');
  return decodeFrame(raw);
}

function fail(error: FrameErrorCode, detail: string): FrameDecodeResult {
  return { ok: false, error, detail };
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
