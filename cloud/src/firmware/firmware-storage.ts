import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import http from 'node:http';
import https from 'node:https';
import { TokkatotError } from '@tokkatot/shared';

/** Where the firmware bucket is and how to sign in to it (docs/cloud/operations.md, STORAGE_*). */
export interface FirmwareStorageSettings {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The bucket's index of releases (the publishing script writes it). */
export const VERSIONS_INDEX_KEY = 'firmware/versions.json';

/** What the firmware module needs from object storage: the index, image sizes, signed downloads. */
export interface FirmwareStorage {
  /** The text of `firmware/versions.json`, or undefined when the bucket has none. */
  readIndex(): Promise<string | undefined>;
  /** The stored size of an object in bytes, or undefined when it does not exist. */
  objectSize(key: string): Promise<number | undefined>;
  /** A GET URL for `key` that stops working `expiresInSeconds` after `signedAt`. */
  signDownload(key: string, signedAt: number, expiresInSeconds: number): Promise<string>;
}

/** The settings when the environment names a whole bucket, otherwise undefined (firmware routes answer 503). */
export function storageSettingsFrom(env: {
  STORAGE_ENDPOINT?: string;
  STORAGE_BUCKET?: string;
  STORAGE_KEY?: string;
  STORAGE_SECRET?: string;
  STORAGE_REGION: string;
}): FirmwareStorageSettings | undefined {
  const { STORAGE_ENDPOINT: endpoint, STORAGE_BUCKET: bucket, STORAGE_KEY: accessKeyId, STORAGE_SECRET: secretAccessKey } = env;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return undefined;
  return { endpoint, bucket, accessKeyId, secretAccessKey, region: env.STORAGE_REGION };
}

/**
 * The firmware bucket through the AWS SDK. Path-style addressing, because Spaces and the test
 * server accept it under any bucket name (dots included) without wildcard DNS or certificates.
 */
export class S3FirmwareStorage implements FirmwareStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: FirmwareStorageSettings) {
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The import runs from a job or an admin request: fail within a bounded time, not a retry storm.
      maxAttempts: 2,
      // Checksum headers only where S3 demands them: Spaces and other S3-compatible servers do not
      // all know the newer ones, and a presigned GET must not require a header a plain fetch lacks.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A few requests per import: no kept-alive sockets to outlive the job or the app, and a bound on each.
      requestHandler: { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }), requestTimeout: 30_000 },
    });
  }

  async readIndex(): Promise<string | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: VERSIONS_INDEX_KEY }));
      return await answer.Body?.transformToString('utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageFailure(error);
    }
  }

  async objectSize(key: string): Promise<number | undefined> {
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return answer.ContentLength;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageFailure(error);
    }
  }

  async signDownload(key: string, signedAt: number, expiresInSeconds: number): Promise<string> {
    // Signing is local (no request to the bucket): the URL carries its own date and lifetime.
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }), { expiresIn: expiresInSeconds, signingDate: new Date(signedAt) });
  }

  /** Closes the SDK's sockets. */
  close(): void {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
}

function storageFailure(error: unknown): TokkatotError {
  const name = error instanceof Error ? error.name : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return new TokkatotError('STORAGE_FAILED', `The firmware bucket did not answer as expected (${name}: ${message}).`.slice(0, 500));
}
