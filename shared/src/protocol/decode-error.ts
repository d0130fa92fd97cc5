/** Why a frame was rejected; each maps to the registry codes FRAME_CHECKSUM or FRAME_MALFORMED. */
export const FRAME_ERROR_CODES = [
  'cobs_invalid',
  'too_short',
  'too_long',
  'crc_mismatch',
  'unsupported_version',
  'unknown_type',
  'payload_malformed',
  'value_out_of_range',
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

/** Thrown inside the payload decoder; turned into a result by decodeFrame, never escapes it. */
export class FrameDecodeError extends Error {
  readonly code: FrameErrorCode;

  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.name = 'FrameDecodeError';
    this.code = code;
  }
}

/** The error registry code a frame error is reported under. */
export function toRegistryCode(code: FrameErrorCode): 'FRAME_CHECKSUM' | 'FRAME_MALFORMED' {
  return code === 'crc_mismatch' ? 'FRAME_CHECKSUM' : 'FRAME_MALFORMED';
}
