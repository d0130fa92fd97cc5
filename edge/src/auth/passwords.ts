import { hash, verify } from '@node-rs/argon2';

/** Argon2id cost; OWASP's minimum (19 MiB, 2 passes) takes ~0.1 s on a Raspberry Pi 4. */
export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2 };

/** Hashes and checks passwords with argon2id. */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly cost: PasswordCost = DEFAULT_PASSWORD_COST) {}

  hash(password: string): Promise<string> {
    return hash(password, { ...this.cost, parallelism: 1 });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real check, so an unknown user name cannot be told apart by timing. */
  async burn(password: string): Promise<void> {
    this.dummy ??= this.hash('not-a-real-password');
    await this.verify(await this.dummy, password);
  }
}
