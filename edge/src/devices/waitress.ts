/**
 * Matches responses to pending requests (herdsman's waitress): `waitFor` returns a promise that
 * the first payload accepted by the matcher resolves, or that rejects after the timeout with an
 * error that names what was awaited and keeps the caller's stack.
 */
export class WaitressTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, stack: string | undefined) {
    super(`timed out after ${timeoutMs} ms waiting for ${description}`);
    this.name = 'WaitressTimeoutError';
    if (stack) this.stack = `${this.name}: ${this.message}\n${stack.split('\n').slice(1).join('\n')}`;
  }
}

interface Waiter<T> {
  matcher: (payload: T) => boolean;
  resolve: (payload: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Waitress<T> {
  private readonly waiters = new Set<Waiter<T>>();

  /** Waits for a payload the matcher accepts; description reads "ack of set-output 5 from coop-1". */
  waitFor(matcher: (payload: T) => boolean, timeoutMs: number, description: string): Promise<T> {
    const origin = new Error().stack;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matcher,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new WaitressTimeoutError(description, timeoutMs, origin));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Offers a payload to every waiter; returns whether one took it. */
  resolve(payload: T): boolean {
    for (const waiter of this.waiters) {
      if (!waiter.matcher(payload)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(payload);
      return true;
    }
    return false;
  }

  /** Rejects every waiter the predicate selects (all when omitted), e.g. on a reboot or stop. */
  rejectWhere(error: Error, predicate: (matcher: (payload: T) => boolean) => boolean = () => true): void {
    for (const waiter of [...this.waiters]) {
      if (!predicate(waiter.matcher)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.reject(error);
    }
  }

  get pending(): number {
    return this.waiters.size;
  }
}
