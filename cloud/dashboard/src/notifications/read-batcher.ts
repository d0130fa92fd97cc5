/**
 * Gathers the notifications marked read within a short moment (an inbox scrolled into view marks
 * several at once) and sends them in one request: on a 4G link each round trip costs.
 */
export class ReadBatcher {
  private waiting = new Map<string, Array<(read: boolean) => void>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `send` answers the ids the server now holds as read; a throw means none were. */
  constructor(
    private readonly send: (ids: string[]) => Promise<string[]>,
    private readonly delayMs = 300,
  ) {}

  /** Resolves true once the server holds this notification as read, false when it did not. */
  mark(id: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]);
      this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.timer = null;
    let read: Set<string>;
    try {
      read = new Set(await this.send([...batch.keys()]));
    } catch {
      read = new Set();
    }
    for (const [id, resolvers] of batch) for (const resolve of resolvers) resolve(read.has(id));
  }
}
