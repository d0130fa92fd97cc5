import { Transform, type TransformCallback } from 'node:stream';
import { FrameParser, type ParsedItem } from '@tokkatot/shared';

/**
 * Parser layer: bytes in, ParsedItem objects out (a frame, or why a run of bytes was dropped).
 * Resynchronises at every 0x00, so noise costs at most the frame it hit.
 */
export class FrameParserStream extends Transform {
  private readonly parser = new FrameParser();

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const item of this.parser.push(chunk)) this.push(item satisfies ParsedItem);
    callback();
  }
}
