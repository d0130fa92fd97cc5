import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 standing for one client's link to the cloud, with faults on demand:
 * an outage (503), a partition (connections reset), lost responses (the request reaches the
 * cloud, the answer never reaches the client), and dropped live streams.
 */
export class FaultProxy {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<http.ServerResponse>();
  private down = { outage: false, partitioned: false };
  /** The Retry-After header sent during an outage (seconds). */
  retryAfterSeconds = 0;

  /** 503 for every request (the cloud is down); open connections are cut when it starts. */
  get outage(): boolean {
    return this.down.outage;
  }
  set outage(value: boolean) {
    this.down.outage = value;
    if (value) this.dropAll();
  }

  /** Every connection reset (the link is down); open connections are cut when it starts. */
  get partitioned(): boolean {
    return this.down.partitioned;
  }
  set partitioned(value: boolean) {
    this.down.partitioned = value;
    if (value) this.dropAll();
  }
  private lose: Array<{ match: RegExp; remaining: number }> = [];
  /** Requests answered 503 during an outage. */
  refused = 0;
  /** Requests that reached the cloud, by method and path (no query). */
  readonly seen: string[] = [];
  /** Called as each request is forwarded, before the cloud answers (to kill a client mid-request). */
  onForward: ((request: string) => void) | undefined;

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = http.createServer((req, res) => {
      if (this.partitioned) {
        req.socket.destroy();
        return;
      }
      if (this.outage) {
        this.refused += 1;
        res.writeHead(503, { 'retry-after': String(this.retryAfterSeconds), 'content-type': 'application/json' }).end('{"error":{"code":"NOT_READY","message":"down"}}');
        return;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      this.seen.push(`${req.method} ${path}`);
      this.onForward?.(`${req.method} ${path}`);
      const rule = this.lose.find((r) => r.remaining > 0 && r.match.test(`${req.method} ${path}`));
      if (rule) rule.remaining -= 1;
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          if (rule) {
            // Let the cloud finish (commit) first, then cut the client off before it hears the answer.
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (String(answer.headers['content-type']).startsWith('text/event-stream')) {
            this.streams.add(res);
            res.on('close', () => this.streams.delete(res));
          }
          answer.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` requests matching `match` ("POST /v1/sync/coops/push") lose their answers. */
  loseResponses(match: RegExp, count = 1): void {
    this.lose.push({ match, remaining: count });
  }

  /** Cuts every open live stream. */
  dropStreams(): void {
    for (const stream of this.streams) stream.socket?.destroy();
    this.streams.clear();
  }

  /** Cuts every connection, streams included. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
