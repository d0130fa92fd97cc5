/**
 * Consistent Overhead Byte Stuffing: removes every 0x00 from a frame so 0x00 can delimit frames
 * on the serial line. A receiver that joins mid-stream or sees noise resynchronises at the next
 * 0x00. Overhead: one byte per 254 bytes, plus one.
 */
export function encodeCobs(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.ceil(data.length / 254) + 1);
  let codeAt = 0;
  let write = 1;
  let code = 1;
  for (const byte of data) {
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = write++;
      code = 1;
      continue;
    }
    out[write++] = byte;
    code++;
    if (code === 0xff) {
      out[codeAt] = code;
      codeAt = write++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, write);
}

/** Reverses encodeCobs; null when the input is not a valid COBS block (a zero, or a code past the end). */
export function decodeCobs(encoded: Uint8Array): Uint8Array | null {
  if (encoded.length === 0) return null;
  const out = new Uint8Array(encoded.length);
  let read = 0;
  let write = 0;
  while (read < encoded.length) {
    const code = encoded[read++] as number;
    if (code === 0) return null;
    const end = read + code - 1;
    if (end > encoded.length) return null;
    while (read < end) {
      const byte = encoded[read++] as number;
      if (byte === 0) return null;
      out[write++] = byte;
    }
    // A block shorter than 254 data bytes stands for a zero, except the last one.
    if (code !== 0xff && read < encoded.length) out[write++] = 0;
  }
  return out.subarray(0, write);
}
