import fc from 'fast-check';
import {
  FAULT_KIND_CODES,
  FIRMWARE_SLOT_CODES,
  MAX_OUTPUTS,
  MAX_UPDATE_CHUNK_BYTES,
  UPDATE_ERROR_CODES,
  UPDATE_STATE_CODES,
  MAX_SENSORS,
  NACK_ERROR_CODES,
  OUTPUT_KIND_CODES,
  OUTPUT_REASON_CODES,
  RESET_REASON_CODES,
  SENSOR_FAILURE_CODES,
  SENSOR_KIND_CODES,
  type DeviceFrame,
  type DeviceMessage,
} from '../../src/protocol/index.js';

const names = <T extends Record<string, number>>(table: T) => fc.constantFrom(...(Object.keys(table) as (keyof T & string)[]));
const u32 = fc.nat({ max: 0xffffffff });
const u8 = fc.nat({ max: 255 });
const channel = fc.nat({ max: 254 });
const centi = fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }).map((n) => n / 100);
const channels = (max: number) => fc.uniqueArray(channel, { maxLength: max });
const onOff = fc.constantFrom('on' as const, 'off' as const);

const version = fc.tuple(fc.nat(9999), fc.nat(9999), fc.nat(9999)).map(([a, b, c]) => `${a}.${b}.${c}`);
const hexBytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('hex'));

const hello = fc.record({
  type: fc.constant('hello' as const),
  nodeId: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/),
  firmwareVersion: version,
  hardwareRevision: u8,
  bootId: u32,
  resetReason: names(RESET_REASON_CODES),
  slot: names(FIRMWARE_SLOT_CODES),
  imageConfirmed: fc.boolean(),
  outputs: channels(MAX_OUTPUTS).chain((chs) =>
    fc.tuple(...chs.map((ch) => fc.record({ channel: fc.constant(ch), kind: names(OUTPUT_KIND_CODES), dimmable: fc.boolean(), activeLow: fc.boolean() }))),
  ),
  sensors: channels(MAX_SENSORS).chain((chs) => fc.tuple(...chs.map((ch) => fc.record({ channel: fc.constant(ch), kind: names(SENSOR_KIND_CODES) })))),
});

const heartbeat = fc.record({
  type: fc.constant('heartbeat' as const),
  bootId: u32,
  uptimeS: u32,
  freeHeap: u32,
  rssi: fc.option(fc.integer({ min: -127, max: 127 }), { nil: null }),
  linkUp: fc.boolean(),
  updating: fc.boolean(),
  counters: fc.record({ rxFrames: u32, txFrames: u32, rxCrcErrors: u32, rxMalformed: u32, rxDuplicates: u32, linkLosses: u32 }),
  firmwareVersion: version,
  slot: names(FIRMWARE_SLOT_CODES),
  imageConfirmed: fc.boolean(),
});

const readings = fc.record({
  type: fc.constant('readings' as const),
  readings: channels(MAX_SENSORS).chain((chs) =>
    fc.tuple(
      ...chs.map((ch) =>
        fc.oneof(
          fc.record({ channel: fc.constant(ch), status: fc.constant('ok' as const), value: centi }),
          fc.record({ channel: fc.constant(ch), status: fc.constant('failed' as const), failure: names(SENSOR_FAILURE_CODES) }),
        ),
      ),
    ),
  ),
});

const state = fc.record({
  type: fc.constant('state' as const),
  bootId: u32,
  configured: fc.boolean(),
  failSafeActive: fc.boolean(),
  updating: fc.boolean(),
  outputs: channels(MAX_OUTPUTS).chain((chs) =>
    fc.tuple(
      ...chs.map((ch) =>
        onOff.chain((s) =>
          fc.record({
            channel: fc.constant(ch),
            state: fc.constant(s),
            level: s === 'on' ? fc.integer({ min: 0, max: 100 }) : fc.constant(0),
            reason: names(OUTPUT_REASON_CODES),
            remainingS: u32,
          }),
        ),
      ),
    ),
  ),
});

const config = fc.record({
  type: fc.constant('config' as const),
  id: u32,
  linkTimeoutMs: fc.integer({ min: 500, max: 3_600_000 }),
  heartbeatPeriodMs: fc.integer({ min: 100, max: 600_000 }),
  outputs: channels(MAX_OUTPUTS).chain((chs) =>
    fc.tuple(...chs.map((ch) => fc.record({ channel: fc.constant(ch), failSafe: onOff, maxOnS: fc.integer({ min: 1, max: 86_400 }) }))),
  ),
  sensors: channels(MAX_SENSORS).chain((chs) =>
    fc.tuple(
      ...chs.map((ch) =>
        fc.record({
          channel: fc.constant(ch),
          samplePeriodMs: fc.integer({ min: 100, max: 3_600_000 }),
          offset: fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100),
          scale: fc.integer({ min: 10, max: 100_000 }).map((n) => n / 1000),
        }),
      ),
    ),
  ),
});

const setOutput = onOff.chain((s) =>
  fc.record({
    type: fc.constant('setOutput' as const),
    id: u32,
    bootId: u32,
    channel,
    state: fc.constant(s),
    level: s === 'on' ? fc.integer({ min: 1, max: 100 }) : fc.constant(0),
    durationS: u32,
  }),
);

/** Any schema-valid device message. */
export const deviceMessageArb: fc.Arbitrary<DeviceMessage> = fc.oneof(
  hello,
  heartbeat,
  readings,
  fc.record({ type: fc.constant('ack' as const), ackSeq: fc.nat(0xffff), id: u32 }),
  fc.record({ type: fc.constant('nack' as const), ackSeq: fc.nat(0xffff), id: u32, error: names(NACK_ERROR_CODES) }),
  state,
  fc.record({ type: fc.constant('fault' as const), fault: names(FAULT_KIND_CODES), channel: fc.option(channel, { nil: null }), detail: u8 }),
  config,
  setOutput,
  fc.constant({ type: 'ping' as const }),
  fc.constant({ type: 'helloRequest' as const }),
  names(UPDATE_STATE_CODES).chain((state) =>
    fc.record({
      type: fc.constant('updateStatus' as const),
      state: fc.constant(state),
      error: state === 'failed' ? names(UPDATE_ERROR_CODES) : fc.option(names(UPDATE_ERROR_CODES), { nil: null }),
      nextOffset: u32,
    }),
  ),
  fc.record({
    type: fc.constant('updateBegin' as const),
    version,
    size: fc.integer({ min: 1, max: 0xffffffff }),
    sha256: hexBytes(32, 32),
    chunkSize: fc.integer({ min: 1, max: MAX_UPDATE_CHUNK_BYTES }),
  }),
  fc.record({ type: fc.constant('updateChunk' as const), offset: u32, data: hexBytes(1, MAX_UPDATE_CHUNK_BYTES) }),
  fc.record({ type: fc.constant('updateCommit' as const), healthTimeoutS: fc.integer({ min: 1, max: 3600 }) }),
  fc.constant({ type: 'updateConfirm' as const }),
  fc.record({
    type: fc.constant('updateFetch' as const),
    version,
    size: fc.integer({ min: 1, max: 0xffffffff }),
    sha256: hexBytes(32, 32),
    url: fc.stringMatching(/^[!-~]{1,153}$/).map((rest) => `http://${rest}`),
  }),
);

export const deviceFrameArb: fc.Arbitrary<DeviceFrame> = fc.record({ seq: fc.nat(0xffff), message: deviceMessageArb });
