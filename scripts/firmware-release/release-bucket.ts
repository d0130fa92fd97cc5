import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ReleaseError } from './release-error.js';

/** The bucket settings, from the same variables as the backup scripts. */
export interface BucketConfig {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

/** Reads S3_ENDPOINT, S3_REGION (default us-east-1), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET. */
export function readBucketConfig(env: NodeJS.ProcessEnv): BucketConfig {
  const missing = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_BUCKET'].filter((name) => !env[name]);
  if (missing.length > 0) throw new ReleaseError('usage', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`);
  return {
    endpoint: env.S3_ENDPOINT!,
    region: env.S3_REGION || 'us-east-1',
    accessKeyId: env.S3_ACCESS_KEY_ID!,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
    bucket: env.S3_BUCKET!,
  };
}

export interface StoredObject {
  body: Buffer;
  etag: string;
}

/** Conditions a write can carry; a server that honours them answers 412 instead of writing. */
export interface WriteCondition {
  /** Write only if the object still has this ETag (nobody wrote it since we read it). */
  ifMatch?: string;
  /** Write only if the object does not exist yet. */
  ifAbsent?: boolean;
}

/** The object operations a release needs, with "not there" as null and a lost race as a ReleaseError. */
export class ReleaseBucket {
  constructor(
    private readonly client: S3Client,
    readonly name: string,
  ) {}

  static open(config: BucketConfig): ReleaseBucket {
    const client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Spaces and s3rver do not all take the SDK's default CRC32 trailers; send checksums only when an API demands them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new ReleaseBucket(client, config.bucket);
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
      const body = Buffer.from(await response.Body!.transformToByteArray());
      return { body, etag: response.ETag ?? '' };
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageError('read', key, error);
    }
  }

  /**
   * Reads an object just written until `accept` agrees, a few times. Some S3-compatible servers
   * answer a PUT before its bytes are readable (s3rver does), so one disagreeing read-back is
   * not yet proof of a bad store. Returns the last read.
   */
  async readBack(key: string, accept: (body: Buffer) => boolean, attempts = 5, pauseMs = 100): Promise<StoredObject | null> {
    let stored = await this.get(key);
    for (let attempt = 1; attempt < attempts && !(stored && accept(stored.body)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      stored = await this.get(key);
    }
    return stored;
  }

  async head(key: string): Promise<{ size: number; etag: string } | null> {
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
      return { size: response.ContentLength ?? 0, etag: response.ETag ?? '' };
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageError('inspect', key, error);
    }
  }

  /** Writes an object; a failed condition is an `index_conflict` the caller may retry. */
  async put(key: string, body: Uint8Array, contentType: string, condition: WriteCondition = {}): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.name,
          Key: key,
          Body: body,
          ContentType: contentType,
          ...(condition.ifMatch ? { IfMatch: condition.ifMatch } : {}),
          ...(condition.ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) throw new ReleaseError('index_conflict', `${key} changed while it was being written (HTTP ${status})`);
      throw storageError('write', key, error);
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  const e = error as S3ServiceException;
  // By name only: a missing bucket (NoSuchBucket) must fail loudly, not look like an empty index.
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound';
}

function storageError(action: string, key: string, error: unknown): ReleaseError {
  const e = error as S3ServiceException;
  const status = e?.$metadata?.httpStatusCode;
  return new ReleaseError('storage', `cannot ${action} ${key}: ${e?.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`);
}
