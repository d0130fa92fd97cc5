import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedUpload {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A stand-in for Spaces on 127.0.0.1: records every request, keeps PUT bodies by path and serves
 * them back on GET; answers `status` instead while it is set to an error.
 */
export async function startFakeS3(): Promise<{ url: string; uploads: ReceivedUpload[]; setStatus: (status: number) => void; close: () => Promise<void> }> {
  const uploads: ReceivedUpload[] = [];
  const objects = new Map<string, Buffer>();
  let status = 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const upload = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      uploads.push(upload);
      if (status !== 200) return void response.writeHead(status, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
      if (upload.method === 'PUT') objects.set(upload.path, upload.body);
      if (upload.method === 'GET') {
        const object = objects.get(upload.path);
        return void (object ? response.writeHead(200).end(object) : response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>'));
      }
      response.writeHead(200).end();
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
