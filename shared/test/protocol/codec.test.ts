import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  computeCrc32,
  decodeCobs,
  decodeFrame,
  decodeStuffedFrame,
  encodeCobs,
  encodeFrame,
  encodeWireFrame,
  stuffFrame,
  toRegistryCode,
  type DeviceFrame,
} from '../../src/protocol/index.js';

interface Fixture {
  valid: { name: string; seq: number; message: DeviceFrame['message']; frame: string; wire: string }[];
  malformed: { name: string; wire: string; error: string }[];
  streams: { name: string; wire: string; expect: string[] }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/device-frames.json', import.meta.url), 'utf8')) as Fixture;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

describe('computeCrc32', () => {
  it('matches the CRC-32/ISO-HDLC check value', () => {
    expect(computeCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('covers only the requested range', () => {
    const data = new TextEncoder().encode('xx123456789yy');
    expect(computeCrc32(data, 2, 11)).toBe(0xcbf43926);
  });
});

describe('COBS', () => {
  it.each([
    ['00', '0101'],
    ['0000', '010101'],
    ['11220033', '03112202 33'.replace(' ', '')],
    ['11223344', '0511223344'],
    ['11000000', '0211010101'],
  ])('encodes %s as %s', (input, output) => {
    expect(hex(encodeCobs(bytes(input)))).toBe(output);
    expect(hex(decodeCobs(bytes(output)) ?? new Uint8Array())).toBe(input);
  });

  it('handles a run of 254 and 255 non-zero bytes with a 0xFF block', () => {
    for (const length of [253, 254, 255, 600]) {
      const data = Uint8Array.from({ length }, (_, i) => (i % 255) + 1);
      const encoded = encodeCobs(data);
      expect(encoded.includes(0)).toBe(false);
      expect(encoded[0]).toBe(length >= 254 ? 0xff : length + 1);
      expect(decodeCobs(encoded)).toEqual(data);
    }
  });

  it('rejects empty input, zeros inside and codes that run past the end', () => {
    expect(decodeCobs(new Uint8Array())).toBeNull();
    expect(decodeCobs(bytes('030100'))).toBeNull();
    expect(decodeCobs(bytes('0511'))).toBeNull();
  });
});

describe('device frame vectors (shared/fixtures/device-frames.json)', () => {
  it.each(fixture.valid.map((v) => [v.name, v] as const))('encodes and decodes "%s" byte for byte', (_name, vector) => {
    const frame = { seq: vector.seq, message: vector.message };
    expect(hex(encodeFrame(frame))).toBe(vector.frame);
    expect(hex(encodeWireFrame(frame))).toBe(vector.wire);
    expect(decodeFrame(bytes(vector.frame))).toEqual({ ok: true, frame });
    expect(new FrameParser().push(bytes(vector.wire))).toEqual([{ ok: true, frame }]);
  });

  it.each(fixture.malformed.map((v) => [v.name, v] as const))('rejects "%s"', (_name, vector) => {
    const items = new FrameParser().push(bytes(vector.wire));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, error: vector.error });
  });

  it.each(fixture.streams.map((v) => [v.name, v] as const))('parses the stream "%s" as expected', (_name, vector) => {
    const items = new FrameParser().push(bytes(vector.wire));
    expect(items.map((item) => (item.ok ? `ok:${item.frame.message.type}:${item.frame.seq}` : `error:${item.error}`))).toEqual(vector.expect);
  });

  it('covers every message type and every frame error', () => {
    expect(new Set(fixture.valid.map((v) => v.message.type)).size).toBe(17);
    expect(new Set(fixture.malformed.map((v) => v.error))).toEqual(
      new Set(['cobs_invalid', 'too_short', 'too_long', 'crc_mismatch', 'unsupported_version', 'unknown_type', 'payload_malformed', 'value_out_of_range']),
    );
  });
});

describe('encodeFrame', () => {
  const command = { type: 'setOutput', id: 1, bootId: 2, channel: 3, state: 'on', level: 100, durationS: 0 } as const;

  it('refuses to put an invalid command on the wire', () => {
    expect(() => encodeFrame({ seq: 1, message: { ...command, level: 101 } })).toThrow();
    expect(() => encodeFrame({ seq: 1, message: { ...command, state: 'off' } })).toThrow(/level/);
    expect(() => encodeFrame({ seq: 70_000, message: command })).toThrow();
  });

  it('refuses a failed reading that carries a number', () => {
    const reading = { channel: 0, status: 'failed', failure: 'no_response', value: 0 };
    expect(() => encodeFrame({ seq: 1, message: { type: 'readings', readings: [reading] } as never })).toThrow();
  });

  it('decodes a failed reading without any value field', () => {
    const raw = encodeFrame({ seq: 1, message: { type: 'readings', readings: [{ channel: 0, status: 'failed', failure: 'no_response' }] } });
    const result = decodeFrame(raw);
    expect(result.ok && result.frame.message.type === 'readings' && result.frame.message.readings[0]).toStrictEqual({
      channel: 0,
      status: 'failed',
      failure: 'no_response',
    });
  });
});

describe('FrameParser', () => {
  const a = encodeWireFrame({ seq: 1, message: { type: 'ack', ackSeq: 7, id: 99 } });
  const b = encodeWireFrame({ seq: 2, message: { type: 'fault', fault: 'brownout_reset', channel: null, detail: 0 } });
  const seqs = (items: ReturnType<FrameParser['push']>) => items.map((item) => (item.ok ? item.frame.seq : item.error));

  it('returns nothing until the delimiter arrives', () => {
    const parser = new FrameParser();
    expect(parser.push(a.subarray(0, a.length - 1))).toEqual([]);
    expect(seqs(parser.push(a.subarray(a.length - 1)))).toEqual([1]);
  });

  it('decodes a frame split at every possible point, the checksum bytes alone included', () => {
    for (let cut = 1; cut < a.length; cut++) {
      const parser = new FrameParser();
      expect(seqs([...parser.push(a.subarray(0, cut)), ...parser.push(a.subarray(cut))])).toEqual([1]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const parser = new FrameParser();
    const items = [...a, ...b].flatMap((byte) => parser.push(Uint8Array.of(byte)));
    expect(seqs(items)).toEqual([1, 2]);
  });

  it('decodes two frames in one chunk', () => {
    expect(seqs(new FrameParser().push(Uint8Array.from([...a, ...b])))).toEqual([1, 2]);
  });

  it('drops a frame with a bad checksum and decodes the next one', () => {
    const bad = a.slice();
    bad[3] = (bad[3] as number) ^ 0x04;
    expect(seqs(new FrameParser().push(Uint8Array.from([...bad, ...b])))).toEqual(['crc_mismatch', 2]);
  });

  it('bounds its memory: an endless run without a delimiter is dropped once', () => {
    const parser = new FrameParser();
    const junk = new Uint8Array(10_000).fill(0x42);
    expect(parser.push(junk)).toEqual([]);
    expect(seqs(parser.push(Uint8Array.from([0, ...a])))).toEqual(['too_long', 1]);
  });

  it('forgets a partial frame on reset', () => {
    const parser = new FrameParser();
    parser.push(a.subarray(0, 5));
    parser.reset();
    expect(seqs(parser.push(b))).toEqual([2]);
  });
});

describe('frame errors', () => {
  it('map onto the error registry', () => {
    expect(toRegistryCode('crc_mismatch')).toBe('FRAME_CHECKSUM');
    expect(toRegistryCode('value_out_of_range')).toBe('FRAME_MALFORMED');
  });

  it('are results, not exceptions, for a stuffed frame that is not COBS', () => {
    expect(decodeStuffedFrame(Uint8Array.of(5, 1))).toMatchObject({ ok: false, error: 'cobs_invalid' });
    expect(stuffFrame(Uint8Array.of(0)).at(-1)).toBe(0);
  });
});
