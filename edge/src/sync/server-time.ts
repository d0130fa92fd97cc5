import type { ServerTimeFix } from '@tokkatot/sync';

/** Keeps the latest server-time fix from response headers, against the monotonic clock. */
export class ServerTimeTracker {
  private fix: ServerTimeFix | undefined;

  constructor(private readonly monotonic: () => number) {}

  /** Records `x-server-now` from a response, if present and sane. */
  observe(header: string | null | undefined): void {
    const serverNowMs = Number(header);
    if (!header || !Number.isFinite(serverNowMs) || serverNowMs <= 0) return;
    this.fix = { serverNowMs, monotonicMs: this.monotonic() };
  }

  current(): ServerTimeFix | undefined {
    return this.fix;
  }
}
