import type { Writable } from 'node:stream';
import { FRAME_DELIMITER, encodeWireFrame, type DeviceFrame } from '@tokkatot/shared';

/** Writer layer: encodes frames for the line; resolves once the bytes went to the port. */
export class FrameWriter {
  constructor(private readonly sink: Writable) {}

  /** A lone delimiter: ends whatever half frame the node was collecting when the port opened. */
  writeFlush(): Promise<void> {
    return this.writeBytes(Uint8Array.of(FRAME_DELIMITER));
  }

  write(frame: DeviceFrame): Promise<void> {
    return this.writeBytes(encodeWireFrame(frame));
  }

  private writeBytes(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sink.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()));
    });
  }
}
