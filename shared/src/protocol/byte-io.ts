import { FrameDecodeError } from './decode-error.js';

/** Appends little-endian integers and short ASCII strings to a growing buffer. */
export class ByteWriter {
  private bytes: number[] = [];

  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }

  i8(value: number): this {
    return this.u8(value < 0 ? value + 0x100 : value);
  }

  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }

  u32(value: number): this {
    return this.u8(value).u8(value >>> 8).u8(value >>> 16).u8(value >>> 24);
  }

  i32(value: number): this {
    return this.u32(value >>> 0);
  }

  /** One length byte, then the characters (ASCII only; the schemas guarantee it). */
  str(value: string): this {
    this.u8(value.length);
    for (let i = 0; i < value.length; i++) this.u8(value.charCodeAt(i));
    return this;
  }

  /** Raw bytes from lower-case hex (digests, image chunks). */
  hex(value: string): this {
    for (let i = 0; i < value.length; i += 2) this.u8(Number.parseInt(value.slice(i, i + 2), 16));
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Reads what ByteWriter wrote; running past the end is a malformed payload. */
export class ByteReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private need(count: number): void {
    if (this.at + count > this.bytes.length) throw new FrameDecodeError('payload_malformed', `payload ends ${this.at + count - this.bytes.length} byte(s) early`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.at++] as number;
  }

  i8(): number {
    const value = this.u8();
    return value >= 0x80 ? value - 0x100 : value;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u8() | (this.u8() << 8) | (this.u8() << 16) | (this.u8() << 24)) >>> 0;
  }

  i32(): number {
    return this.u32() | 0;
  }

  str(): string {
    const length = this.u8();
    this.need(length);
    let out = '';
    for (let i = 0; i < length; i++) {
      const code = this.u8();
      if (code < 0x20 || code > 0x7e) throw new FrameDecodeError('payload_malformed', 'string holds a byte outside printable ASCII');
      out += String.fromCharCode(code);
    }
    return out;
  }

  /** count raw bytes as lower-case hex. */
  hex(count: number): string {
    this.need(count);
    let out = '';
    for (let i = 0; i < count; i++) out += this.u8().toString(16).padStart(2, '0');
    return out;
  }

  /** Every payload has exactly one length: trailing bytes mean the frame is not what it claims. */
  end(): void {
    if (this.at !== this.bytes.length) throw new FrameDecodeError('payload_malformed', `${this.bytes.length - this.at} unexpected trailing byte(s)`);
  }
}
