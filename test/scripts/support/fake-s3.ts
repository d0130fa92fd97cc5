import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedUpload {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A stand-in for Spaces on 127.0.0.1 that records every request and answers `status`. */
export async function startFakeS3(): Promise<{ url: string; uploads: ReceivedUpload[]; setStatus: (status: number) => void; close: () => Promise<void> }> {
  const uploads: ReceivedUpload[] = [];
  let status = 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      uploads.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status, { 'content-type': 'application/xml' }).end(status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake S3 has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    uploads,
    setStatus: (next) => (status = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
