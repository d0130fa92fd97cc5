import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between the edge and the cloud that partitions, drops connections
 * and delays bytes. It knows nothing about HTTP: faults land anywhere in a request or answer.
 */
export class TcpChaosProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private partitionedState = false;
  /** Delay added to every chunk in both directions. */
  delayMs = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.partitionedState) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.upstreamPort, '127.0.0.1');
      const pair = { client, upstream };
      this.pairs.add(pair);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      this.forward(client, upstream, close);
      this.forward(upstream, client, close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** The link is down: every open connection is cut and new ones are refused. */
  set partitioned(value: boolean) {
    this.partitionedState = value;
    if (value) this.dropAll();
  }

  get partitioned(): boolean {
    return this.partitionedState;
  }

  /** Cuts every open connection mid-flight. */
  dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(from: net.Socket, to: net.Socket, close: () => void): void {
    from.on('data', (chunk) => {
      if (this.delayMs === 0) to.write(chunk);
      else {
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, this.delayMs);
      }
    });
    from.on('end', () => to.end());
    from.on('error', close);
    from.on('close', close);
  }
}
