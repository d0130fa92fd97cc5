import { randomBytes } from 'node:crypto';

/** An ESP-IDF app image as `idf.py build` lays it out, with the fields the release step reads. */
export function esp32Image(options: { version: string; projectName?: string; chipId?: number; size?: number; appDescMagic?: number }): Buffer {
  const size = options.size ?? 4096;
  const image = randomBytes(size);
  image.fill(0, 0, 32 + 256);
  // esp_image_header_t (24 bytes): magic 0xE9, segment count, flash settings, entry, chip id at 12.
  image[0] = 0xe9;
  image[1] = 3;
  image.writeUInt32LE(0x40080ea4, 4);
  image.writeUInt16LE(options.chipId ?? 0, 12);
  // First segment header (load address, length), then esp_app_desc_t at its start (byte 32).
  image.writeUInt32LE(0x3f400020, 24);
  image.writeUInt32LE(size - 32, 28);
  image.writeUInt32LE(options.appDescMagic ?? 0xabcd5432, 32);
  image.write(options.version, 32 + 16, 'latin1');
  image.write(options.projectName ?? 'tokkatot_node', 32 + 48, 'latin1');
  image.write('12:00:00', 32 + 80, 'latin1');
  image.write('Nov 27 2026', 32 + 96, 'latin1');
  image.write('v5.3.3', 32 + 112, 'latin1');
  return image;
}

/** A tokkatot-sim image: the header line sim_update.c reads, then a body. */
export function simulatorImage(version: string, options: { size?: number; flags?: string } = {}): Buffer {
  const header = Buffer.from(`TOKKATOT-SIM-IMAGE version=${version}${options.flags ? ` ${options.flags}` : ''}\n`, 'latin1');
  const body = randomBytes(Math.max(0, (options.size ?? 2048) - header.length));
  return Buffer.concat([header, body]);
}
