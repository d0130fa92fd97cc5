/**
 * The one registry of error codes used by every API, decoder and config loader.
 * A code is stable forever once shipped: clients (phones, dashboard, edge) branch on it.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The input is not valid.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The input is larger than allowed.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The name or password is wrong.' },
  ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins; try again later.' },
  TOKEN_EXPIRED: { status: 401, message: 'The session has expired; sign in again.' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CONFLICT: { status: 409, message: 'The change conflicts with the current state.' },
  OUTPUT_INACTIVE: { status: 409, message: 'This output is not installed or its node is offline.' },
  COMMAND_EXPIRED: { status: 410, message: 'The command expired before it could run.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  NOT_READY: { status: 503, message: 'The service is starting or a dependency is down.' },
  CONFIG_INVALID: { status: 500, message: 'The configuration file is not valid.' },
  AUTOMATION_CONFIG_INVALID: { status: 422, message: 'The automation settings are inconsistent; the previous settings stay in force.' },
  FRAME_CHECKSUM: { status: 400, message: 'A device frame failed its checksum.' },
  FRAME_MALFORMED: { status: 400, message: 'A device frame could not be decoded.' },
  RESYNC_REQUIRED: { status: 410, message: 'The checkpoint is too old; a full resync is required.' },
  STORAGE_NOT_CONFIGURED: { status: 503, message: 'Firmware storage is not configured on this cloud.' },
  STORAGE_FAILED: { status: 502, message: 'The firmware bucket did not answer as expected.' },
  FIRMWARE_INDEX_INVALID: { status: 502, message: 'The firmware index in the bucket is missing or not valid.' },
  FIRMWARE_NOT_TARGETED: { status: 403, message: "This release is not the farm's firmware target." },
  FIRMWARE_CHANNEL_MISMATCH: { status: 409, message: 'This release is not published on that channel.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error that carries a registry code, an HTTP status and optional field details. */
export class TokkatotError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'TokkatotError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }

  /** The JSON body every HTTP API answers with on failure. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Tells whether a string is a registered error code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
