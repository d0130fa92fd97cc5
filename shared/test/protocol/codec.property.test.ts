import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameParser, decodeFrame, encodeFrame, encodeWireFrame, stuffFrame } from '../../src/protocol/index.js';
import { deviceFrameArb } from './arbitraries.js';

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
const okFrames = (items: ReturnType<FrameParser['push']>) => items.flatMap((item) => (item.ok ? [item.frame] : []));

describe('device codec properties', () => {
  it('decodes every valid frame back to itself', () => {
    fc.assert(
      fc.property(deviceFrameArb, (frame) => {
        expect(decodeFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts random noise as a frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (noise) => {
        expect(okFrames(new FrameParser().push(noise))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a frame with one to three bits flipped on the wire', () => {
    fc.assert(
      fc.property(
        deviceFrameArb,
        fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
        (frame, positions) => {
          const wire = encodeWireFrame(frame);
          const body = wire.slice(0, -1);
          // Distinct bits after wrapping, so two flips never cancel out.
          for (const bit of new Set(positions.map((p) => p % (body.length * 8)))) body[bit >> 3] = (body[bit >> 3] as number) ^ (1 << (bit & 7));
          const items = new FrameParser().push(concat([body, Uint8Array.of(0)]));
          expect(okFrames(items)).toEqual([]);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never accepts an unstuffed frame with bits flipped (the MQTT payload)', () => {
    fc.assert(
      fc.property(deviceFrameArb, fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }), (frame, positions) => {
        const raw = encodeFrame(frame);
        const bitCount = raw.length * 8;
        const hits = [...new Set(positions.map((p) => p % bitCount))];
        for (const bit of hits) raw[bit >> 3] = (raw[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(decodeFrame(raw).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('resynchronises after any noise: every frame after the next delimiter is decoded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.array(deviceFrameArb, { minLength: 1, maxLength: 4 }), (noise, frames) => {
        const items = new FrameParser().push(concat([noise, Uint8Array.of(0), ...frames.map(encodeWireFrame)]));
        expect(okFrames(items)).toEqual(frames);
      }),
      { numRuns: 500 },
    );
  });

  it('loses at most the frame that noise ran into, even without a delimiter after the noise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.array(deviceFrameArb, { minLength: 2, maxLength: 4 }), (noise, frames) => {
        const items = new FrameParser().push(concat([noise, ...frames.map(encodeWireFrame)]));
        expect(okFrames(items).slice(-(frames.length - 1))).toEqual(frames.slice(1));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same frames however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(deviceFrameArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, cuts) => {
        const stream = concat(frames.map(encodeWireFrame));
        const points = [...new Set(cuts.map((c) => c % stream.length))].sort((x, y) => x - y);
        const parser = new FrameParser();
        const items = [0, ...points].flatMap((start, i) => parser.push(stream.subarray(start, points[i] ?? stream.length)));
        expect(okFrames(items)).toEqual(frames);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever bytes it is given', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
        decodeFrame(raw);
        decodeFrame(concat([raw]));
        new FrameParser().push(stuffFrame(raw));
      }),
      { numRuns: 2000 },
    );
  });
});
