import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

/** A fresh bucket on the s3rver the test services started (keys S3RVER/S3RVER), as the firmware bucket. */
export interface TestBucket {
  name: string;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** A presigned GET, as the cloud hands out; `signedAgoMs` back-dates it (an expired URL). */
  presign(key: string, expiresInS: number, signedAgoMs?: number): Promise<string>;
  close(): void;
}

export async function createTestBucket(): Promise<TestBucket> {
  const services = inject('services');
  const endpoint = services.S3_URL;
  if (!endpoint) throw new Error(`s3 is unavailable for this test: ${services.S3_ERROR ?? 'not started by scripts/test-services.sh'}`);
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const name = `fw-${randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return {
    name,
    async put(key, bytes) {
      await client.send(new PutObjectCommand({ Bucket: name, Key: key, Body: bytes }));
    },
    presign(key, expiresInS, signedAgoMs = 0) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: name, Key: key }), { expiresIn: expiresInS, signingDate: new Date(Date.now() - signedAgoMs) });
    },
    close: () => client.destroy(),
  };
}
