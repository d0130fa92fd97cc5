/** Version byte that starts every frame; a receiver rejects any other. */
export const PROTOCOL_VERSION = 2;

/** Frame header: version (1), type (1), sequence number (2, little-endian). */
export const FRAME_HEADER_BYTES = 4;
/** CRC-32 trailer, little-endian. */
export const FRAME_CRC_BYTES = 4;
/** Largest frame before stuffing (header + payload + CRC); anything longer is rejected unread. */
export const MAX_FRAME_BYTES = 256;
export const MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES - FRAME_HEADER_BYTES - FRAME_CRC_BYTES;
/** Largest COBS-encoded frame, without the 0x00 delimiter. */
export const MAX_STUFFED_BYTES = MAX_FRAME_BYTES + Math.ceil(MAX_FRAME_BYTES / 254) + 1;
/** Delimiter between stuffed frames on the serial line. */
export const FRAME_DELIMITER = 0x00;

/** Limits of one node (the config frame of a full node must fit in MAX_PAYLOAD_BYTES). */
export const MAX_OUTPUTS = 12;
export const MAX_SENSORS = 8;
export const MAX_NODE_ID_LENGTH = 32;
export const MAX_FIRMWARE_VERSION_LENGTH = 32;

/** Wire value of "no channel" in a fault report. */
export const NO_CHANNEL = 0xff;
/** Wire value of "no signal strength" (wired nodes) in a heartbeat. */
export const NO_RSSI = -128;

/** Largest data field of one updateChunk (the frame must stay within MAX_PAYLOAD_BYTES). */
export const MAX_UPDATE_CHUNK_BYTES = 240;
/**
 * Longest image URL of an updateFetch (http://host:port/path). The frame must stay within
 * MAX_PAYLOAD_BYTES: version (1 + 32) + size (4) + digest (32) + URL (1 + 160) = 230 bytes.
 */
export const MAX_FETCH_URL_LENGTH = 160;
/** SHA-256 digest length; carried as 64 lower-case hex characters in messages. */
export const SHA256_BYTES = 32;
