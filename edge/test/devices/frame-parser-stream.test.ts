import { Readable } from 'node:stream';
import { encodeWireFrame, type ParsedItem } from '@tokkatot/shared';
import { describe, expect, it } from 'vitest';
import { FrameParserStream } from '../../src/devices/serial/frame-parser-stream.js';

const ack = encodeWireFrame({ seq: 1, message: { type: 'ack', ackSeq: 3, id: 9 } });
const ping = encodeWireFrame({ seq: 2, message: { type: 'ping' } });

async function parse(chunks: Uint8Array[]): Promise<string[]> {
  const items: ParsedItem[] = [];
  const parser = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new FrameParserStream());
  for await (const item of parser) items.push(item as ParsedItem);
  return items.map((item) => (item.ok ? `${item.frame.message.type}:${item.frame.seq}` : item.error));
}

describe('FrameParserStream', () => {
  it.each([
    ['one frame', [ack], ['ack:1']],
    ['two frames in one chunk', [Uint8Array.from([...ack, ...ping])], ['ack:1', 'ping:2']],
    ['a frame split before its checksum', [ack.subarray(0, ack.length - 5), ack.subarray(ack.length - 5)], ['ack:1']],
    ['the last checksum byte alone', [ack.subarray(0, ack.length - 2), ack.subarray(ack.length - 2, ack.length - 1), ack.subarray(ack.length - 1)], ['ack:1']],
    ['noise before the start', [Uint8Array.of(0x55, 0xaa, 0x00), ping], ['cobs_invalid', 'ping:2']],
    ['a bad checksum, then a good frame', [Uint8Array.from([...ack.subarray(0, 2), ack[2]! ^ 0x80, ...ack.subarray(3)]), ping], ['crc_mismatch', 'ping:2']],
  ])('%s', async (_name, chunks, expected) => {
    expect(await parse(chunks as Uint8Array[])).toEqual(expected);
  });
});
