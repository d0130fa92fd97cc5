import { ByteReader, ByteWriter } from './byte-io.js';
import {
  FAULT_KIND_CODES,
  FIRMWARE_SLOT_CODES,
  UPDATE_ERROR_CODES,
  UPDATE_STATE_CODES,
  NACK_ERROR_CODES,
  OUTPUT_KIND_CODES,
  OUTPUT_REASON_CODES,
  RESET_REASON_CODES,
  SENSOR_FAILURE_CODES,
  SENSOR_KIND_CODES,
  SENSOR_STATUS_OK,
  findCodeName,
} from './codes.js';
import { NO_CHANNEL, NO_RSSI, SHA256_BYTES } from './constants.js';
import { FrameDecodeError } from './decode-error.js';
import type { DeviceMessage, DeviceReading } from './messages.js';

/** Turns an unassigned enum byte into a decode error naming the field. */
function nameOf<T extends Record<string, number>>(table: T, code: number, field: string): keyof T & string {
  const name = findCodeName(table, code);
  if (name === undefined) throw new FrameDecodeError('value_out_of_range', `${field}: byte ${code} is not assigned`);
  return name as keyof T & string;
}

function flagsOf(byte: number, allowed: number, field: string): number {
  if ((byte & ~allowed) !== 0) throw new FrameDecodeError('payload_malformed', `${field}: reserved bits set`);
  return byte;
}

function toSwitch(byte: number, field: string): 'off' | 'on' {
  if (byte > 1) throw new FrameDecodeError('value_out_of_range', `${field}: must be 0 or 1`);
  return byte === 1 ? 'on' : 'off';
}

/** Writes the payload of a (schema-valid) message. */
export function encodePayload(message: DeviceMessage): Uint8Array {
  const w = new ByteWriter();
  switch (message.type) {
    case 'hello':
      w.str(message.nodeId).str(message.firmwareVersion).u8(message.hardwareRevision).u32(message.bootId);
      w.u8(RESET_REASON_CODES[message.resetReason]).u8(FIRMWARE_SLOT_CODES[message.slot]).u8(message.imageConfirmed ? 1 : 0);
      w.u8(message.outputs.length);
      for (const o of message.outputs) w.u8(o.channel).u8(OUTPUT_KIND_CODES[o.kind]).u8((o.dimmable ? 1 : 0) | (o.activeLow ? 2 : 0));
      w.u8(message.sensors.length);
      for (const s of message.sensors) w.u8(s.channel).u8(SENSOR_KIND_CODES[s.kind]);
      break;
    case 'heartbeat': {
      const c = message.counters;
      w.u32(message.bootId).u32(message.uptimeS).u32(message.freeHeap).i8(message.rssi ?? NO_RSSI);
      w.u8((message.linkUp ? 1 : 0) | (message.updating ? 2 : 0));
      w.u32(c.rxFrames).u32(c.txFrames).u32(c.rxCrcErrors).u32(c.rxMalformed).u32(c.rxDuplicates).u32(c.linkLosses);
      w.str(message.firmwareVersion).u8(FIRMWARE_SLOT_CODES[message.slot]).u8(message.imageConfirmed ? 1 : 0);
      break;
    }
    case 'readings':
      w.u8(message.readings.length);
      for (const r of message.readings) {
        if (r.status === 'ok') w.u8(r.channel).u8(SENSOR_STATUS_OK).i32(Math.round(r.value * 100));
        // A failure has no value bytes at all: there is no number to misread.
        else w.u8(r.channel).u8(SENSOR_FAILURE_CODES[r.failure]);
      }
      break;
    case 'ack':
      w.u16(message.ackSeq).u32(message.id);
      break;
    case 'nack':
      w.u16(message.ackSeq).u32(message.id).u8(NACK_ERROR_CODES[message.error]);
      break;
    case 'state':
      w.u32(message.bootId).u8((message.configured ? 1 : 0) | (message.failSafeActive ? 2 : 0) | (message.updating ? 4 : 0)).u8(message.outputs.length);
      for (const o of message.outputs) w.u8(o.channel).u8(o.state === 'on' ? 1 : 0).u8(o.level).u8(OUTPUT_REASON_CODES[o.reason]).u32(o.remainingS);
      break;
    case 'fault':
      w.u8(FAULT_KIND_CODES[message.fault]).u8(message.channel ?? NO_CHANNEL).u8(message.detail);
      break;
    case 'config':
      w.u32(message.id).u32(message.linkTimeoutMs).u32(message.heartbeatPeriodMs).u8(message.outputs.length);
      for (const o of message.outputs) w.u8(o.channel).u8(o.failSafe === 'on' ? 1 : 0).u32(o.maxOnS);
      w.u8(message.sensors.length);
      for (const s of message.sensors) w.u8(s.channel).u32(s.samplePeriodMs).i32(Math.round(s.offset * 100)).u32(Math.round(s.scale * 1000));
      break;
    case 'setOutput':
      w.u32(message.id).u32(message.bootId).u8(message.channel).u8(message.state === 'on' ? 1 : 0).u8(message.level).u32(message.durationS);
      break;
    case 'updateStatus':
      w.u8(UPDATE_STATE_CODES[message.state]).u8(message.error === null ? 0 : UPDATE_ERROR_CODES[message.error]).u32(message.nextOffset);
      break;
    case 'updateBegin':
      w.str(message.version).u32(message.size).hex(message.sha256).u8(message.chunkSize);
      break;
    case 'updateFetch':
      w.str(message.version).u32(message.size).hex(message.sha256).str(message.url);
      break;
    case 'updateChunk':
      w.u32(message.offset).u8(message.data.length / 2).hex(message.data);
      break;
    case 'updateCommit':
      w.u16(message.healthTimeoutS);
      break;
    case 'ping':
    case 'helloRequest':
    case 'updateConfirm':
      break;
  }
  return w.toBytes();
}

function decodeReading(r: ByteReader): DeviceReading {
  const channel = r.u8();
  const status = r.u8();
  if (status === SENSOR_STATUS_OK) return { channel, status: 'ok', value: r.i32() / 100 };
  return { channel, status: 'failed', failure: nameOf(SENSOR_FAILURE_CODES, status, 'reading status') };
}

/**
 * Reads a payload into a plain message object (not yet range-checked: decodeFrame runs the zod
 * schema on the result). Throws FrameDecodeError on a short, long or mis-flagged payload.
 */
export function decodePayload(type: DeviceMessage['type'], payload: Uint8Array): DeviceMessage {
  const r = new ByteReader(payload);
  const message = readMessage(type, r);
  r.end();
  return message;
}

function readMessage(type: DeviceMessage['type'], r: ByteReader): DeviceMessage {
  switch (type) {
    case 'hello': {
      const nodeId = r.str();
      const firmwareVersion = r.str();
      const hardwareRevision = r.u8();
      const bootId = r.u32();
      const resetReason = nameOf(RESET_REASON_CODES, r.u8(), 'resetReason');
      const slot = nameOf(FIRMWARE_SLOT_CODES, r.u8(), 'slot');
      const imageConfirmed = flagsOf(r.u8(), 0b1, 'image flags') === 1;
      const outputs = Array.from({ length: r.u8() }, () => {
        const channel = r.u8();
        const kind = nameOf(OUTPUT_KIND_CODES, r.u8(), 'output kind');
        const flags = flagsOf(r.u8(), 0b11, 'output flags');
        return { channel, kind, dimmable: (flags & 1) !== 0, activeLow: (flags & 2) !== 0 };
      });
      const sensors = Array.from({ length: r.u8() }, () => ({ channel: r.u8(), kind: nameOf(SENSOR_KIND_CODES, r.u8(), 'sensor kind') }));
      return { type, nodeId, firmwareVersion, hardwareRevision, bootId, resetReason, slot, imageConfirmed, outputs, sensors };
    }
    case 'heartbeat': {
      const bootId = r.u32();
      const uptimeS = r.u32();
      const freeHeap = r.u32();
      const rssi = r.i8();
      const flags = flagsOf(r.u8(), 0b11, 'heartbeat flags');
      const counters = { rxFrames: r.u32(), txFrames: r.u32(), rxCrcErrors: r.u32(), rxMalformed: r.u32(), rxDuplicates: r.u32(), linkLosses: r.u32() };
      const firmwareVersion = r.str();
      const slot = nameOf(FIRMWARE_SLOT_CODES, r.u8(), 'slot');
      const imageConfirmed = flagsOf(r.u8(), 0b1, 'image flags') === 1;
      return {
        type, bootId, uptimeS, freeHeap, rssi: rssi === NO_RSSI ? null : rssi, linkUp: (flags & 1) !== 0, updating: (flags & 2) !== 0,
        counters, firmwareVersion, slot, imageConfirmed,
      };
    }
    case 'readings':
      return { type, readings: Array.from({ length: r.u8() }, () => decodeReading(r)) };
    case 'ack':
      return { type, ackSeq: r.u16(), id: r.u32() };
    case 'nack':
      return { type, ackSeq: r.u16(), id: r.u32(), error: nameOf(NACK_ERROR_CODES, r.u8(), 'nack error') };
    case 'state': {
      const bootId = r.u32();
      const flags = flagsOf(r.u8(), 0b111, 'state flags');
      const outputs = Array.from({ length: r.u8() }, () => ({
        channel: r.u8(),
        state: toSwitch(r.u8(), 'output state'),
        level: r.u8(),
        reason: nameOf(OUTPUT_REASON_CODES, r.u8(), 'output reason'),
        remainingS: r.u32(),
      }));
      return { type, bootId, configured: (flags & 1) !== 0, failSafeActive: (flags & 2) !== 0, updating: (flags & 4) !== 0, outputs };
    }
    case 'fault': {
      const fault = nameOf(FAULT_KIND_CODES, r.u8(), 'fault kind');
      const channel = r.u8();
      return { type, fault, channel: channel === NO_CHANNEL ? null : channel, detail: r.u8() };
    }
    case 'config': {
      const id = r.u32();
      const linkTimeoutMs = r.u32();
      const heartbeatPeriodMs = r.u32();
      const outputs = Array.from({ length: r.u8() }, () => ({ channel: r.u8(), failSafe: toSwitch(r.u8(), 'failSafe'), maxOnS: r.u32() }));
      const sensors = Array.from({ length: r.u8() }, () => ({ channel: r.u8(), samplePeriodMs: r.u32(), offset: r.i32() / 100, scale: r.u32() / 1000 }));
      return { type, id, linkTimeoutMs, heartbeatPeriodMs, outputs, sensors };
    }
    case 'setOutput':
      return { type, id: r.u32(), bootId: r.u32(), channel: r.u8(), state: toSwitch(r.u8(), 'state'), level: r.u8(), durationS: r.u32() };
    case 'updateStatus': {
      const state = nameOf(UPDATE_STATE_CODES, r.u8(), 'update state');
      const errorByte = r.u8();
      const error = errorByte === 0 ? null : nameOf(UPDATE_ERROR_CODES, errorByte, 'update error');
      return { type, state, error, nextOffset: r.u32() };
    }
    case 'updateBegin':
      return { type, version: r.str(), size: r.u32(), sha256: r.hex(SHA256_BYTES), chunkSize: r.u8() };
    case 'updateFetch':
      return { type, version: r.str(), size: r.u32(), sha256: r.hex(SHA256_BYTES), url: r.str() };
    case 'updateChunk': {
      const offset = r.u32();
      return { type, offset, data: r.hex(r.u8()) };
    }
    case 'updateCommit':
      return { type, healthTimeoutS: r.u16() };
    case 'ping':
    case 'helloRequest':
    case 'updateConfirm':
      return { type };
  }
}
