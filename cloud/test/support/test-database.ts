import { inject } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

/** What scripts/test-services.sh started (the same data as test/support/services.ts, which lies outside this project). */
export function services(): Record<string, string> {
  return inject('services');
}

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<ThrowawayDatabase> {
  const env = services();
  const adminUrl = env.PG_ADMIN_URL ?? env.DATABASE_URL;
  if (!adminUrl) throw new Error(`postgres is unavailable for this test: ${env.PG_ERROR ?? 'not started'}`);
  return createThrowawayDatabase(adminUrl);
}
