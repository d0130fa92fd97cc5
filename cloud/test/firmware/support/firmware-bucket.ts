import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FirmwareReleaseSchema, releaseKeyId, releaseSigningPayload, type FirmwareRelease } from '@tokkatot/shared';
import { S3FirmwareStorage, type FirmwareStorageSettings } from '../../../src/firmware/index.js';
import { services } from '../../support/test-database.js';

/** A release key as the publishing script makes one: node:crypto Ed25519, raw public key in base64. */
export interface ReleaseKey {
  privateKey: KeyObject;
  publicBase64: string;
  keyId: string;
}

export function createReleaseKey(): ReleaseKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicBase64 = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  return { privateKey, publicBase64, keyId: releaseKeyId(publicBase64) };
}

/** A pretend image: random bytes, so two versions never share a hash. */
export function fakeImage(bytes = 4096): Buffer {
  return randomBytes(bytes);
}

/** A release of `image`, signed by `key` (the fields a test overrides after signing are not covered by it). */
export function signRelease(key: ReleaseKey, version: string, image: Buffer, overrides: Partial<FirmwareRelease> = {}): FirmwareRelease {
  const unsigned = {
    board: 'tokkatot-node-esp32' as const,
    version,
    size: image.length,
    sha256: createHash('sha256').update(image).digest('hex'),
    minHardwareRevision: 1,
    channel: 'stable' as const,
    objectKey: `firmware/v${version}/tokkatot-node-esp32.bin`,
    publishedAt: Date.UTC(2026, 10, 1),
    notes: '',
    ...overrides,
  };
  const value = sign(null, releaseSigningPayload(unsigned), key.privateKey).toString('base64');
  return FirmwareReleaseSchema.parse({ ...unsigned, signature: { algorithm: 'ed25519', keyId: key.keyId, value } });
}

/** A bucket of its own on the test services' S3-compatible server (s3rver, keys S3RVER/S3RVER). */
export class TestBucket {
  readonly settings: FirmwareStorageSettings;
  private readonly client: S3Client;

  constructor(readonly name: string) {
    const endpoint = services().S3_URL;
    if (!endpoint) throw new Error(`s3 is unavailable for this test: ${services().S3_ERROR ?? 'not started'}`);
    this.settings = { endpoint, bucket: name, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
    this.client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A kept-alive upload socket outlives destroy() and holds the test worker open.
      requestHandler: { httpAgent: new http.Agent({ keepAlive: false }) },
    });
  }

  /** Creates a bucket named after the test file and a random suffix. */
  static async create(prefix: string): Promise<TestBucket> {
    const bucket = new TestBucket(`${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await bucket.client.send(new CreateBucketCommand({ Bucket: bucket.name }));
    return bucket;
  }

  /** The firmware module's storage on this bucket. */
  storage(): S3FirmwareStorage {
    return new S3FirmwareStorage(this.settings);
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body }));
  }

  /** Uploads the image of each release and the index listing them, as the publishing script does. */
  async publish(releases: Array<{ release: FirmwareRelease; image?: Buffer }>, extra: { indexOverride?: unknown } = {}): Promise<void> {
    for (const { release, image } of releases) if (image) await this.put(release.objectKey, image);
    await this.putIndex(extra.indexOverride ?? { schemaVersion: 1, updatedAt: Date.UTC(2026, 10, 2), releases: releases.map(({ release }) => release) });
  }

  async putIndex(index: unknown): Promise<void> {
    await this.put('firmware/versions.json', typeof index === 'string' ? index : JSON.stringify(index));
  }

  close(): void {
    this.client.destroy();
  }
}
