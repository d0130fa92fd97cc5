import { TestBucket } from '../../firmware/support/firmware-bucket.js';
import { startDashboardCloud, type DashboardCloud } from './dashboard-cloud.js';

/** The dashboard rig with firmware releases in an S3-compatible bucket (s3rver) the cloud reads. */
export interface FirmwareDashboardCloud extends DashboardCloud {
  bucket: TestBucket;
}

/** A bucket of its own (`prefix`), the cloud trusting `trustedKeys`; `close` stops both. */
export async function startFirmwareDashboardCloud(prefix: string, trustedKeys: string[]): Promise<FirmwareDashboardCloud> {
  const bucket = await TestBucket.create(prefix);
  const storage = bucket.storage();
  let cloud: DashboardCloud;
  try {
    cloud = await startDashboardCloud({ firmware: { storage, trustedKeys } });
  } catch (error) {
    storage.close();
    bucket.close();
    throw error;
  }
  return {
    ...cloud,
    bucket,
    async close() {
      await cloud.close();
      storage.close();
      bucket.close();
    },
  };
}
