import { NameSchema, TokkatotError } from '@tokkatot/shared';
import { z } from 'zod';
import type { Edge } from '../edge.js';
import type { ZodApp } from '../http/routes/types.js';
import type { CloudLink } from './cloud-link.js';

const ClaimBodySchema = z.strictObject({
  /** The name the owner sees in the cloud for this Pi; defaults to the farm's name. */
  edgeName: NameSchema.optional(),
});

/**
 * Sync status and pairing for the LAN app. Without a configured cloud the farm is offline by
 * design: status says so and pairing is refused with the fix.
 */
export function registerCloudLinkRoutes(app: ZodApp, edge: Edge, link: CloudLink | undefined): void {
  const requireLink = (): CloudLink => {
    if (!link) throw new TokkatotError('CONFLICT', 'This farm runs without a cloud. Fix: set cloud.url in the configuration (or TOKKATOT_CLOUD_URL) and restart.');
    return link;
  };

  app.get('/api/sync/status', { config: { access: 'viewer' }, schema: { tags: ['sync'], summary: 'Cloud sync: queue depth, oldest record, last success, current error' } }, async () =>
    link ? link.status() : { state: 'offline' as const },
  );

  app.get('/api/pairing', { config: { access: 'owner' }, schema: { tags: ['sync'], summary: 'Whether this edge is paired with the cloud, or the claim code it waits with' } }, async () =>
    link ? link.pairingState() : { state: 'offline' as const },
  );

  app.post(
    '/api/pairing/claim',
    { config: { access: 'owner' }, schema: { tags: ['sync'], summary: 'Get a claim code to enter in the cloud; pairing completes in the background', body: ClaimBodySchema.nullish() } },
    async (request) => {
      const cloud = requireLink();
      try {
        return await cloud.claim(request.body?.edgeName ?? edge.registry.farm().name);
      } catch (error) {
        if (error instanceof TokkatotError) throw error;
        throw new TokkatotError('NOT_READY', `The cloud did not answer: ${(error as Error).message}. Check the internet link and try again.`);
      }
    },
  );
}
