import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CutProxyOptions {
  /** Cut the client's connection after this many body bytes of the n-th request (0-based), or never (null). */
  cutAfter?: (requestIndex: number) => number | null;
  /** Slow the body down: bytes per 10 ms tick (default: as fast as it comes). */
  bytesPerTick?: number;
}

/**
 * A small HTTP proxy in front of the object store, standing in for the farm's flaky uplink. It
 * keeps the signed Host header, records every Range asked for and the status answered, and can
 * cut a connection in the middle of a body or trickle it.
 */
export interface CutProxy {
  /** The same signed URL, through the proxy. */
  via(url: string): string;
  requests: { range: string | undefined; status: number; bytesSent: number }[];
  close(): Promise<void>;
}

export async function startCutProxy(options: CutProxyOptions = {}): Promise<CutProxy> {
  const requests: CutProxy['requests'] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = requests.length;
    const entry = { range: req.headers.range, status: 0, bytesSent: 0 };
    requests.push(entry);
    const target = new URL(req.url ?? '/', upstream(req));
    const forwarded = http.request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: { ...req.headers, host: target.host } },
      async (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const cutAt = options.cutAfter?.(index) ?? null;
        for await (const chunk of answer as AsyncIterable<Buffer>) {
          let rest = chunk;
          while (rest.length > 0) {
            const room = cutAt === null ? rest.length : cutAt - entry.bytesSent;
            const size = Math.min(rest.length, room, options.bytesPerTick ?? rest.length);
            if (size <= 0) {
              // The link drops mid-body: no end of the chunked/length-delimited body ever comes.
              req.socket.destroy();
              answer.destroy();
              return;
            }
            // Wait for each piece to leave, so a cut loses only what comes after it.
            await new Promise((resolve) => res.write(rest.subarray(0, size), resolve));
            entry.bytesSent += size;
            rest = rest.subarray(size);
            if (options.bytesPerTick) await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
        res.end();
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstreams = new Map<string, string>();
  const upstream = (req: IncomingMessage) => upstreams.get(new URL(req.url ?? '/', 'http://x').pathname) ?? 'http://127.0.0.1';
  return {
    requests,
    via(url) {
      const parsed = new URL(url);
      upstreams.set(parsed.pathname, parsed.origin);
      return `http://127.0.0.1:${port}${parsed.pathname}${parsed.search}`;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
