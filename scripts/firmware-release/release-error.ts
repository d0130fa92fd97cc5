/** Why a release step refused, each with the exit code its command ends with. */
export const RELEASE_EXIT_CODES = {
  usage: 2,
  key_exists: 2,
  invalid_key: 3,
  invalid_image: 3,
  version_mismatch: 3,
  invalid_manifest: 3,
  untrusted_signature: 4,
  immutable_release: 5,
  malformed_index: 5,
  index_conflict: 5,
  not_found: 6,
  storage: 7,
} as const;

export type ReleaseErrorCode = keyof typeof RELEASE_EXIT_CODES;

/** A refusal with a message meant for the person running the release, never a stack trace. */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';

  constructor(
    readonly code: ReleaseErrorCode,
    message: string,
  ) {
    super(message);
  }

  get exitCode(): number {
    return RELEASE_EXIT_CODES[this.code];
  }
}
