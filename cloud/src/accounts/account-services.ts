import { signAccessToken } from './access-token.js';

/** What other modules and tests use of accounts: tokens on the app's clock. */
export interface AccountServices {
  /** A fresh access token for a person (15 minutes on the app's clock). */
  signAccessToken(userId: string, admin?: boolean): string;
}

export function createAccountServices(deps: { jwtSecret: string; now: () => number }): AccountServices {
  return {
    signAccessToken: (userId, admin = false) => signAccessToken(deps.jwtSecret, { userId, admin }, deps.now()),
  };
}
