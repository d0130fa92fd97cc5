import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/services.js';

/** s3rver's fixed test credentials; a real bucket (Spaces) takes its keys from the environment. */
function client(): S3Client {
  return new S3Client({
    endpoint: requireService('s3'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

const clients: S3Client[] = [];
afterAll(() => clients.forEach((each) => each.destroy()));

describe('S3-compatible storage harness', () => {
  it('stores an object and serves it through a presigned URL, with ranges, and refuses it once expired', async () => {
    const s3 = client();
    clients.push(s3);
    const Bucket = `harness-${process.pid}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    const body = Buffer.from('0123456789abcdef');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'firmware/v1.0.0/image.bin', Body: body }));

    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'firmware/v1.0.0/image.bin' }), { expiresIn: 60 });
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(body);

    const tail = await fetch(url, { headers: { range: 'bytes=10-' } });
    expect(tail.status).toBe(206);
    expect(await tail.text()).toBe('abcdef');

    // s3rver checks a V4 URL's access key and expiry (not the signature itself: Spaces does).
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'firmware/v1.0.0/image.bin' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    expect((await fetch(expired)).status).toBe(403);
  });
});
