/** How the process stops: the work to do, how long it may take, and how to leave. */
export interface ShutdownOptions {
  /** Stops accepting, drains and closes everything; resolves when the process may exit. */
  stop: () => Promise<void>;
  /** A stop that takes longer is abandoned and the process exits with 1. */
  timeoutMs: number;
  log: (message: string) => void;
  exit: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * The first SIGTERM or SIGINT runs `stop` and exits 0 (1 if it failed); a second signal, or
 * `stop` outliving the timeout, exits 1 at once. Returns the function that removes the handlers.
 */
export function handleShutdownSignals(options: ShutdownOptions): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log(`${signal} again: exiting without finishing the shutdown`);
      options.exit(1);
      return;
    }
    stopping = true;
    options.log(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      options.log(`shutdown did not finish within ${options.timeoutMs} ms: exiting`);
      options.exit(1);
    }, options.timeoutMs);
    options
      .stop()
      .then(
        () => options.exit(0),
        (error: unknown) => {
          options.log(`shutdown failed: ${(error as Error).stack ?? String(error)}`);
          options.exit(1);
        },
      )
      .finally(() => clearTimeout(timer));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/** Resolves once `idle()` holds, checking every `everyMs`, or after `maxMs` regardless. */
export async function waitUntil(idle: () => boolean, maxMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (!idle()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
