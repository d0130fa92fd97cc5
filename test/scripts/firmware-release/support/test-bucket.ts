import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ReleaseBucket, type BucketConfig } from '../../../../scripts/firmware-release/release-bucket.js';
import { requireService } from '../../../support/services.js';

/** A fresh bucket on the test services' s3rver, and the settings the commands read from the environment. */
export async function createTestBucket(): Promise<{ config: BucketConfig; bucket: ReleaseBucket; env: NodeJS.ProcessEnv }> {
  const config: BucketConfig = {
    endpoint: requireService('s3'),
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket: `firmware-${randomBytes(6).toString('hex')}`,
  };
  const client = new S3Client({ endpoint: config.endpoint, region: config.region, forcePathStyle: true, credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } });
  await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
  client.destroy();
  const env = { S3_ENDPOINT: config.endpoint, S3_ACCESS_KEY_ID: config.accessKeyId, S3_SECRET_ACCESS_KEY: config.secretAccessKey, S3_BUCKET: config.bucket };
  return { config, bucket: ReleaseBucket.open(config), env };
}
