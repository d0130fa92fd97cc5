import { ReleaseError } from '../../../../scripts/firmware-release/release-error.js';

/** The ReleaseError a synchronous action throws; anything else fails the test. */
export function refusal(action: () => unknown): ReleaseError {
  try {
    action();
  } catch (error) {
    if (error instanceof ReleaseError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the action succeeded');
}

/** The ReleaseError an asynchronous action rejects with; anything else fails the test. */
export async function rejection(action: () => Promise<unknown>): Promise<ReleaseError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ReleaseError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the action succeeded');
}
