/**
 * Writes shared/fixtures/device-frames.json, the golden vectors the TS and C codecs must both
 * reproduce byte for byte. Run after a deliberate protocol change, then review the diff:
 *   npx tsx shared/test/protocol/generate-device-frames.ts
 * (Tests never regenerate it: a codec change that alters bytes fails them until this is rerun.)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  FrameParser,
  PROTOCOL_VERSION,
  computeCrc32,
  encodeCobs,
  encodeFrame,
  stuffFrame,
  type DeviceFrame,
} from '../../src/protocol/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const valid: { name: string; frame: DeviceFrame }[] = [
  {
    name: 'hello from a coop board',
    frame: {
      seq: 1,
      message: {
        type: 'hello', nodeId: 'coop-1-main', firmwareVersion: '1.0.0', hardwareRevision: 2, bootId: 0x1a2b3c4d, resetReason: 'power_on', slot: 'a', imageConfirmed: true,
        outputs: [
          { channel: 0, kind: 'feeder', dimmable: false, activeLow: true },
          { channel: 1, kind: 'conveyor', dimmable: false, activeLow: true },
          { channel: 2, kind: 'fan', dimmable: false, activeLow: true },
          { channel: 3, kind: 'heater', dimmable: false, activeLow: true },
          { channel: 4, kind: 'light', dimmable: true, activeLow: false },
        ],
        sensors: [
          { channel: 0, kind: 'temperature' },
          { channel: 1, kind: 'humidity' },
          { channel: 2, kind: 'water_level' },
        ],
      },
    },
  },
  {
    name: 'hello from a bare board after a watchdog reset',
    frame: { seq: 0, message: { type: 'hello', nodeId: 'n', firmwareVersion: '12.345.6-rc.1', hardwareRevision: 0, bootId: 0xffffffff, resetReason: 'watchdog', slot: 'b', imageConfirmed: false, outputs: [], sensors: [] } },
  },
  {
    name: 'heartbeat of a serial node',
    frame: {
      seq: 2,
      message: {
        type: 'heartbeat', bootId: 0x1a2b3c4d, uptimeS: 3600, freeHeap: 182_344, rssi: null, linkUp: true, updating: false,
        counters: { rxFrames: 120, txFrames: 480, rxCrcErrors: 1, rxMalformed: 0, rxDuplicates: 2, linkLosses: 0 },
        firmwareVersion: '1.0.0', slot: 'a', imageConfirmed: true,
      },
    },
  },
  {
    name: 'heartbeat of a Wi-Fi node in fail-safe',
    frame: {
      seq: 0xfffe,
      message: {
        type: 'heartbeat', bootId: 7, uptimeS: 0xfffffff0, freeHeap: 0, rssi: -67, linkUp: false, updating: true,
        counters: { rxFrames: 0xffffffff, txFrames: 1, rxCrcErrors: 65_536, rxMalformed: 3, rxDuplicates: 0, linkLosses: 9 },
        firmwareVersion: '2.1.0-rc.2', slot: 'b', imageConfirmed: false,
      },
    },
  },
  {
    name: 'readings with values and a dead sensor',
    frame: {
      seq: 3,
      message: {
        type: 'readings',
        readings: [
          { channel: 0, status: 'failed', failure: 'no_response' },
          { channel: 1, status: 'ok', value: 71.5 },
          { channel: 2, status: 'ok', value: 2048 },
          { channel: 3, status: 'ok', value: -5.25 },
        ],
      },
    },
  },
  {
    name: 'readings where every sensor failed',
    frame: {
      seq: 4,
      message: {
        type: 'readings',
        readings: [
          { channel: 0, status: 'failed', failure: 'checksum' },
          { channel: 1, status: 'failed', failure: 'out_of_range' },
          { channel: 2, status: 'failed', failure: 'disconnected' },
          { channel: 5, status: 'failed', failure: 'stuck' },
        ],
      },
    },
  },
  { name: 'ack of a command', frame: { seq: 5, message: { type: 'ack', ackSeq: 17, id: 0xdeadbeef } } },
  { name: 'nack of a command for an older boot', frame: { seq: 6, message: { type: 'nack', ackSeq: 18, id: 42, error: 'stale_session' } } },
  { name: 'nack of a duration beyond the maximum ON time', frame: { seq: 7, message: { type: 'nack', ackSeq: 0, id: 1, error: 'exceeds_max_on' } } },
  {
    name: 'state report in fail-safe',
    frame: {
      seq: 8,
      message: {
        type: 'state', bootId: 0x1a2b3c4d, configured: true, failSafeActive: true, updating: false,
        outputs: [
          { channel: 0, state: 'off', level: 0, reason: 'fail_safe', remainingS: 0 },
          { channel: 2, state: 'on', level: 100, reason: 'fail_safe', remainingS: 0 },
          { channel: 3, state: 'off', level: 0, reason: 'max_on_cut', remainingS: 0 },
          { channel: 4, state: 'on', level: 35, reason: 'commanded', remainingS: 120 },
          { channel: 5, state: 'off', level: 0, reason: 'boot', remainingS: 0 },
          { channel: 6, state: 'on', level: 100, reason: 'local', remainingS: 86_400 },
          { channel: 7, state: 'off', level: 0, reason: 'duration_elapsed', remainingS: 0 },
        ],
      },
    },
  },
  { name: 'fault: temperature sensor failed', frame: { seq: 9, message: { type: 'fault', fault: 'sensor_failure', channel: 0, detail: 1 } } },
  { name: 'fault: node restarted by its watchdog', frame: { seq: 10, message: { type: 'fault', fault: 'watchdog_reset', channel: null, detail: 0 } } },
  {
    name: 'configuration for a coop board',
    frame: {
      seq: 100,
      message: {
        type: 'config', id: 1001, linkTimeoutMs: 30_000, heartbeatPeriodMs: 5000,
        outputs: [
          { channel: 0, failSafe: 'off', maxOnS: 900 },
          { channel: 1, failSafe: 'off', maxOnS: 1200 },
          { channel: 2, failSafe: 'on', maxOnS: 86_400 },
          { channel: 3, failSafe: 'off', maxOnS: 3600 },
          { channel: 4, failSafe: 'on', maxOnS: 86_400 },
        ],
        sensors: [
          { channel: 0, samplePeriodMs: 2000, offset: -0.5, scale: 1 },
          { channel: 1, samplePeriodMs: 2000, offset: 2.25, scale: 0.98 },
          { channel: 2, samplePeriodMs: 10_000, offset: 0, scale: 1.5 },
        ],
      },
    },
  },
  { name: 'set output: feeder on for 8 minutes', frame: { seq: 101, message: { type: 'setOutput', id: 1002, bootId: 0x1a2b3c4d, channel: 0, state: 'on', level: 100, durationS: 480 } } },
  { name: 'set output: light dimmed to 40 %', frame: { seq: 102, message: { type: 'setOutput', id: 1003, bootId: 0x1a2b3c4d, channel: 4, state: 'on', level: 40, durationS: 0 } } },
  { name: 'set output: heater off', frame: { seq: 103, message: { type: 'setOutput', id: 0, bootId: 0, channel: 3, state: 'off', level: 0, durationS: 0 } } },
  { name: 'ping at the top of the sequence space', frame: { seq: 0xffff, message: { type: 'ping' } } },
  { name: 'hello request', frame: { seq: 104, message: { type: 'helloRequest' } } },
  {
    name: 'state report while a firmware update holds the outputs',
    frame: {
      seq: 11,
      message: {
        type: 'state', bootId: 0x1a2b3c4d, configured: true, failSafeActive: false, updating: true,
        outputs: [
          { channel: 2, state: 'on', level: 100, reason: 'fail_safe', remainingS: 0 },
          { channel: 3, state: 'off', level: 0, reason: 'fail_safe', remainingS: 0 },
        ],
      },
    },
  },
  { name: 'nack of a command during an update', frame: { seq: 12, message: { type: 'nack', ackSeq: 19, id: 43, error: 'updating' } } },
  { name: 'update status: receiving, next offset', frame: { seq: 13, message: { type: 'updateStatus', state: 'receiving', error: null, nextOffset: 65_536 } } },
  { name: 'update status: verifying', frame: { seq: 14, message: { type: 'updateStatus', state: 'verifying', error: null, nextOffset: 131_072 } } },
  { name: 'update status: ready to commit', frame: { seq: 15, message: { type: 'updateStatus', state: 'ready', error: null, nextOffset: 131_072 } } },
  { name: 'update status: failed on a hash mismatch', frame: { seq: 16, message: { type: 'updateStatus', state: 'failed', error: 'hash_mismatch', nextOffset: 0 } } },
  { name: 'update status: chunk without a transfer', frame: { seq: 17, message: { type: 'updateStatus', state: 'idle', error: 'no_transfer', nextOffset: 0 } } },
  { name: 'update status: refused while the running image is unconfirmed', frame: { seq: 18, message: { type: 'updateStatus', state: 'idle', error: 'image_unconfirmed', nextOffset: 0 } } },
  {
    name: 'update begin',
    frame: { seq: 105, message: { type: 'updateBegin', version: '1.1.0', size: 131_072, sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', chunkSize: 192 } },
  },
  {
    name: 'update chunk at an offset',
    frame: { seq: 106, message: { type: 'updateChunk', offset: 4096, data: '00ff10200000e9' } },
  },
  { name: 'update commit with a 60 s health timeout', frame: { seq: 107, message: { type: 'updateCommit', healthTimeoutS: 60 } } },
  { name: 'update confirm', frame: { seq: 108, message: { type: 'updateConfirm' } } },
  {
    name: 'update fetch from the edge over http',
    frame: {
      seq: 109,
      message: {
        type: 'updateFetch', version: '1.1.0', size: 131_072, sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        url: 'http://192.168.1.10:8080/firmware/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.bin',
      },
    },
  },
  { name: 'update status: this node cannot fetch', frame: { seq: 19, message: { type: 'updateStatus', state: 'idle', error: 'fetch_unsupported', nextOffset: 0 } } },
  { name: 'update status: fetching kept failing', frame: { seq: 20, message: { type: 'updateStatus', state: 'failed', error: 'fetch_failed', nextOffset: 0 } } },
];

/** A frame with a correct CRC around arbitrary header and payload bytes. */
function sealed(bytes: number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes);
  const crc = computeCrc32(out, 0, bytes.length);
  out.set([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24], bytes.length);
  return out;
}

const setOutput = (fields: Partial<{ id: number; channel: number; state: number; level: number; duration: number }>, extra: number[] = []): number[] => {
  const { id = 7, channel = 0, state = 1, level = 100, duration = 0 } = fields;
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  return [PROTOCOL_VERSION, 0x11, 9, 0, ...u32(id), ...u32(0x1a2b3c4d), channel, state, level, ...u32(duration), ...extra];
};
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const config = (link: number, outputs: number[][], sensors: number[][]): number[] => [
  PROTOCOL_VERSION, 0x10, 1, 0, ...u32(5), ...u32(link), ...u32(1000),
  outputs.length, ...outputs.flat(), sensors.length, ...sensors.flat(),
];

const updateFetch = (url: string): number[] => [
  PROTOCOL_VERSION, 0x18, 0, 0, 5, 0x31, 0x2e, 0x31, 0x2e, 0x30, ...u32(100), ...Array.from({ length: 32 }, () => 0x11),
  url.length, ...Array.from(url, (c) => c.charCodeAt(0)),
];

const goodWire = stuffFrame(encodeFrame(valid[13]!.frame));
const flipped = (bytes: Uint8Array, at: number, mask: number) => {
  const copy = bytes.slice();
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
};
const rawGood = encodeFrame(valid[13]!.frame);

const malformedWire: { name: string; wire: Uint8Array }[] = [
  { name: 'last CRC byte changed', wire: stuffFrame(flipped(rawGood, rawGood.length - 1, 0x01)) },
  { name: 'one payload bit flipped', wire: stuffFrame(flipped(rawGood, 9, 0x10)) },
  { name: 'sequence number changed without a new CRC', wire: stuffFrame(flipped(rawGood, 2, 0x01)) },
  { name: 'stuffing code pointing past the end', wire: Uint8Array.from([0x09, 0x01, 0x02, 0x03, 0x00]) },
  { name: 'shorter than a header and CRC', wire: stuffFrame(Uint8Array.from([1, 0x12, 0, 0, 0xaa, 0xbb, 0xcc])) },
  { name: 'protocol version 1 (a node before updates existed)', wire: stuffFrame(sealed([1, 0x12, 1, 0])) },
  { name: 'unknown message type 0x7f', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x7f, 1, 0])) },
  { name: 'set output one byte short', wire: stuffFrame(sealed(setOutput({}).slice(0, -1))) },
  { name: 'set output with a trailing byte', wire: stuffFrame(sealed(setOutput({}, [0]))) },
  { name: 'set output state 2', wire: stuffFrame(sealed(setOutput({ state: 2 }))) },
  { name: 'set output level 101', wire: stuffFrame(sealed(setOutput({ level: 101 }))) },
  { name: 'set output off with a level', wire: stuffFrame(sealed(setOutput({ state: 0, level: 50 }))) },
  { name: 'set output on at level 0', wire: stuffFrame(sealed(setOutput({ state: 1, level: 0 }))) },
  { name: 'set output to channel 255', wire: stuffFrame(sealed(setOutput({ channel: 255 }))) },
  { name: 'ping with a payload', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x12, 1, 0, 0])) },
  { name: 'config with a zero link timeout', wire: stuffFrame(sealed(config(0, [[0, 0, ...u32(60)]], []))) },
  { name: 'config with a zero maximum ON time', wire: stuffFrame(sealed(config(30_000, [[0, 0, ...u32(0)]], []))) },
  { name: 'config with fail-safe state 3', wire: stuffFrame(sealed(config(30_000, [[0, 3, ...u32(60)]], []))) },
  { name: 'config naming one output twice', wire: stuffFrame(sealed(config(30_000, [[1, 0, ...u32(60)], [1, 1, ...u32(60)]], []))) },
  { name: 'config with 13 outputs', wire: stuffFrame(sealed(config(30_000, Array.from({ length: 13 }, (_, i) => [i, 0, ...u32(60)]), []))) },
  { name: 'config with a zero calibration scale', wire: stuffFrame(sealed(config(30_000, [], [[0, ...u32(2000), ...u32(0), ...u32(0)]]))) },
  { name: 'config with a 50 ms sample period', wire: stuffFrame(sealed(config(30_000, [], [[0, ...u32(50), ...u32(0), ...u32(1000)]]))) },
  { name: 'config claiming more outputs than it carries', wire: stuffFrame(sealed(config(30_000, [[0, 0, ...u32(60)]], []).map((b, i) => (i === 16 ? 3 : b)))) },
  { name: 'hello with reserved output flag bits', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x01, 0, 0, 1, 0x61, 5, 0x31, 0x2e, 0x30, 0x2e, 0x30, 0, ...u32(1), 1, 0, 1, 1, 0, 1, 0x84, 0])) },
  { name: 'hello with an upper-case node id', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x01, 0, 0, 1, 0x41, 5, 0x31, 0x2e, 0x30, 0x2e, 0x30, 0, ...u32(1), 1, 0, 1, 0, 0])) },
  { name: 'hello with a version that is not semver', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x01, 0, 0, 1, 0x61, 3, 0x31, 0x2e, 0x30, 0, ...u32(1), 1, 0, 1, 0, 0])) },
  { name: 'readings with status byte 9', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x03, 0, 0, 1, 0, 9])) },
  { name: 'readings cut inside a value', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x03, 0, 0, 1, 0, 0, 0x10, 0x27])) },
  { name: 'state with output state 2', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x06, 0, 0, ...u32(1), 1, 1, 0, 2, 100, 1, ...u32(0)])) },
  { name: 'hello from slot 2', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x01, 0, 0, 1, 0x61, 5, 0x31, 0x2e, 0x30, 0x2e, 0x30, 0, ...u32(1), 1, 2, 1, 0, 0])) },
  { name: 'update status with state 9', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x08, 0, 0, 9, 0, ...u32(0)])) },
  { name: 'update status with error 11', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x08, 0, 0, 4, 11, ...u32(0)])) },
  { name: 'update status failed without an error', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x08, 0, 0, 4, 0, ...u32(0)])) },
  { name: 'update chunk longer than it claims', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x15, 0, 0, ...u32(0), 2, 0xaa, 0xbb, 0xcc])) },
  { name: 'update chunk without data', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x15, 0, 0, ...u32(0), 0])) },
  { name: 'update begin with chunk size 0', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x14, 0, 0, 5, 0x31, 0x2e, 0x31, 0x2e, 0x30, ...u32(100), ...Array.from({ length: 32 }, () => 0x11), 0])) },
  { name: 'update begin of an empty image', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x14, 0, 0, 5, 0x31, 0x2e, 0x31, 0x2e, 0x30, ...u32(0), ...Array.from({ length: 32 }, () => 0x11), 192])) },
  { name: 'update fetch from an https URL', wire: stuffFrame(sealed(updateFetch('https://10.0.0.1/x.bin'))) },
  { name: 'update fetch with an empty URL', wire: stuffFrame(sealed(updateFetch(''))) },
  { name: 'update fetch with a URL of 161 characters', wire: stuffFrame(sealed(updateFetch(`http://10.0.0.1/${'a'.repeat(145)}`))) },
  { name: 'update fetch with a space in the URL', wire: stuffFrame(sealed(updateFetch('http://10.0.0.1/a b.bin'))) },
  { name: 'update commit with a zero health timeout', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x16, 0, 0, 0, 0])) },
  { name: 'frame of 257 bytes', wire: stuffFrame(sealed([PROTOCOL_VERSION, 0x12, 0, 0, ...Array.from({ length: 249 }, () => 0x55)])) },
];

function parseAll(wire: Uint8Array): string[] {
  return new FrameParser().push(wire).map((item) => (item.ok ? `ok` : `error:${item.error}`));
}

const malformed = malformedWire.map(({ name, wire }) => {
  const results = parseAll(wire);
  if (results.length !== 1 || results[0] === 'ok') throw new Error(`malformed vector "${name}" parsed as ${results.join(',')}`);
  return { name, wire: hex(wire), error: (results[0] as string).slice('error:'.length) };
});

const noise = Uint8Array.from([0x13, 0x37, 0xff, 0x42, 0x99, 0x01, 0x02]);
const streams = [
  { name: 'noise before a frame', wire: [noise, Uint8Array.from([0]), goodWire] },
  { name: 'noise without a delimiter glued to a frame', wire: [noise, goodWire, stuffFrame(encodeFrame(valid[16]!.frame))] },
  { name: 'two frames in one chunk', wire: [stuffFrame(encodeFrame(valid[6]!.frame)), stuffFrame(encodeFrame(valid[4]!.frame))] },
  { name: 'bad CRC then a good frame', wire: [stuffFrame(flipped(rawGood, 5, 0x80)), goodWire] },
  { name: 'empty runs between frames', wire: [Uint8Array.from([0, 0]), goodWire, Uint8Array.from([0, 0, 0])] },
  { name: 'overlong run then a good frame', wire: [Uint8Array.from({ length: 400 }, (_, i) => (i % 255) + 1), Uint8Array.from([0]), goodWire] },
].map(({ name, wire }) => {
  const all = new Uint8Array(wire.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of wire) {
    all.set(part, at);
    at += part.length;
  }
  const expect = new FrameParser().push(all).map((item) => (item.ok ? `ok:${item.frame.message.type}:${item.frame.seq}` : `error:${item.error}`));
  return { name, wire: hex(all), expect };
});

const fixture = {
  description:
    'Golden vectors of the Tokkatot device protocol (docs/protocol/device-protocol.md). frame = unstuffed bytes (the MQTT payload); wire = COBS-stuffed frame + 0x00 (the serial line). Used by shared/test/protocol and firmware/test (through firmware/tools/gen-vectors.py). Regenerate with: npx tsx shared/test/protocol/generate-device-frames.ts',
  protocolVersion: PROTOCOL_VERSION,
  valid: valid.map(({ name, frame }) => {
    const raw = encodeFrame(frame);
    return { name, seq: frame.seq, message: frame.message, frame: hex(raw), wire: hex(stuffFrame(raw)) };
  }),
  malformed,
  streams,
};
void encodeCobs;

const target = fileURLToPath(new URL('../../fixtures/device-frames.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${fixture.valid.length} valid, ${fixture.malformed.length} malformed, ${fixture.streams.length} stream vectors to ${target}`);
