import type { Reading } from '@tokkatot/shared';

/** Where raw readings land. `flush` resolves only once they are durably accepted. */
export interface ReadingSink {
  write(farmId: string, readings: readonly Reading[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A sink that keeps readings in memory (demos without InfluxDB, tests of other parts). */
export class MemoryReadingSink implements ReadingSink {
  readonly written: Array<{ farmId: string; reading: Reading }> = [];
  private pending: Array<{ farmId: string; reading: Reading }> = [];

  write(farmId: string, readings: readonly Reading[]): void {
    for (const reading of readings) this.pending.push({ farmId, reading });
  }

  async flush(): Promise<void> {
    this.written.push(...this.pending);
    this.pending = [];
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
