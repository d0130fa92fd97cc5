import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sits in front of s3rver and adds what it lacks: conditional PUTs (If-Match, If-None-Match: *),
 * checked and written one at a time as AWS S3 does. It can also hold the first `heldReads` GETs
 * of one key until all of them arrived, so two publishers read the same index for certain, and
 * alter what GETs of another key return (storage that rots or truncates what it was given).
 */
export async function startConditionalProxy(upstream: string, options: { holdReadsOf?: string; heldReads?: number; alterReadsOf?: { key: string; change: (body: Buffer) => Buffer } } = {}) {
  const target = new URL(upstream);
  const preconditionFailures: string[] = [];
  let writes: Promise<void> = Promise.resolve();
  const held: Array<() => void> = [];
  let toHold = options.heldReads ?? 0;

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const alter = options.alterReadsOf;
      const upstreamRequest = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upstreamResponse) => {
        if (req.method === 'GET' && alter && (req.url ?? '').split('?')[0]!.endsWith(alter.key) && upstreamResponse.statusCode === 200) {
          const parts: Buffer[] = [];
          upstreamResponse.on('data', (chunk: Buffer) => parts.push(chunk));
          upstreamResponse.on('end', () => {
            const changed = alter.change(Buffer.concat(parts));
            res.writeHead(200, { ...upstreamResponse.headers, 'content-length': String(changed.length) }).end(changed, resolve);
          });
          return;
        }
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res).on('finish', resolve);
      });
      upstreamRequest.on('error', () => {
        res.writeHead(502).end();
        resolve();
      });
      upstreamRequest.end(body);
    });

  const currentEtag = (path: string) =>
    new Promise<string | null>((resolve) => {
      httpRequest({ host: target.hostname, port: target.port, method: 'HEAD', path }, (response) => {
        response.resume();
        resolve(response.statusCode === 200 ? String(response.headers.etag) : null);
      })
        .on('error', () => resolve(null))
        .end();
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '').split('?')[0]!;
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      if (req.method === 'GET' && options.holdReadsOf && path.endsWith(options.holdReadsOf) && toHold > 0) {
        toHold -= 1;
        held.push(() => void forward(req, body, res));
        if (toHold === 0) held.splice(0).forEach((release) => release());
        return;
      }
      if (req.method !== 'PUT' || (!ifMatch && !ifNoneMatch)) return void forward(req, body, res);
      writes = writes.then(async () => {
        const etag = await currentEtag(req.url ?? '');
        const failed = (ifNoneMatch === '*' && etag !== null) || (ifMatch !== undefined && ifMatch !== etag);
        if (!failed) return forward(req, body, res);
        preconditionFailures.push(path);
        res.writeHead(412, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    preconditionFailures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
