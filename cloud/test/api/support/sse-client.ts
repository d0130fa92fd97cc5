/** One Server-Sent Events message: an event with data, or a comment line. */
export interface SseMessage {
  event?: string;
  data?: unknown;
  comment?: string;
}

/**
 * Reads an SSE response the way the dashboard does (fetch with an Authorization header) and
 * lets a test wait for the first message that matches.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  ended = false;
  status = 0;

  static async connect(url: string, token: string | undefined): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: client.controller.signal });
    client.status = res.status;
    if (!res.ok || !res.body) {
      client.messages.push({ data: await res.json() });
      client.ended = true;
      return client;
    }
    void client.pump(res.body);
    return client;
  }

  /** Waits for a message after index `from` that matches; fails after `timeoutMs`. */
  async next(match: (message: SseMessage) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<SseMessage> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      const found = this.messages.slice(options.from ?? 0).find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended without a matching message; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message in time; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the server ends the stream. */
  async closed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          this.messages.push(parseBlock(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
        }
        this.wake();
      }
    } catch {
      // Aborted by close() or cut by the server.
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    else if (line.startsWith('event:')) message.event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length > 0) message.data = JSON.parse(data.join('\n'));
  return message;
}
