import { FRAME_DELIMITER, MAX_STUFFED_BYTES } from './constants.js';
import type { FrameErrorCode } from './decode-error.js';
import { decodeStuffedFrame } from './frame.js';
import type { DeviceFrame } from './messages.js';

export type ParsedItem =
  | { ok: true; frame: DeviceFrame }
  | { ok: false; error: FrameErrorCode; detail: string; byteCount: number };

/**
 * Splits a serial byte stream into frames. Bytes are collected up to each 0x00 delimiter and
 * decoded; a broken frame becomes an error item and parsing goes on at the next delimiter, so
 * noise costs at most the frame it hit. Memory is bounded: a run longer than the largest stuffed
 * frame is dropped (one `too_long` item) and ignored up to the next delimiter.
 */
export class FrameParser {
  private readonly buffer = new Uint8Array(MAX_STUFFED_BYTES);
  private length = 0;
  private overflowed = 0;

  /** Feeds a chunk of any size; returns what it completed, in order. */
  push(chunk: Uint8Array): ParsedItem[] {
    const items: ParsedItem[] = [];
    for (const byte of chunk) {
      if (byte === FRAME_DELIMITER) {
        if (this.overflowed > 0) {
          items.push({ ok: false, error: 'too_long', detail: `no delimiter within ${MAX_STUFFED_BYTES} bytes`, byteCount: this.overflowed });
        } else if (this.length > 0) {
          const result = decodeStuffedFrame(this.buffer.slice(0, this.length));
          items.push(result.ok ? result : { ...result, byteCount: this.length });
        }
        // Empty runs (two delimiters in a row) are allowed: senders may flush with a bare 0x00.
        this.length = 0;
        this.overflowed = 0;
        continue;
      }
      if (this.overflowed > 0) {
        this.overflowed++;
      } else if (this.length === this.buffer.length) {
        this.overflowed = this.length + 1;
        this.length = 0;
      } else {
        this.buffer[this.length++] = byte;
      }
    }
    return items;
  }

  /** Drops a partial frame, e.g. when the port was closed and reopened. */
  reset(): void {
    this.length = 0;
    this.overflowed = 0;
  }
}
