import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudMetrics } from './metrics.js';

/**
 * `/metrics` on a port of its own (METRICS_PORT, 9090 in Kubernetes), which only the monitoring
 * namespace may reach, so the public port never exposes it.
 */
export class MetricsServer {
  private server: http.Server | undefined;

  constructor(private readonly metrics: CloudMetrics) {}

  async start(host: string, port: number): Promise<string> {
    const server = http.createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.metrics.render().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
