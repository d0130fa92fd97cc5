import { z } from 'zod';
import type { SyncStateStore } from '../db/sync/sync-state-store.js';

/** The credential the cloud hands over once, at pairing. */
export const EdgeCredentialSchema = z.strictObject({ edgeId: z.string().min(1).max(64), farmId: z.string().min(1).max(64), token: z.string().min(20).max(300) });
export type EdgeCredential = z.infer<typeof EdgeCredentialSchema>;

const PendingPairingSchema = z.strictObject({ pairingId: z.string(), pollSecret: z.string(), claimCode: z.string(), expiresAt: z.number() });
type PendingPairing = z.infer<typeof PendingPairingSchema>;

const CREDENTIAL_KEY = 'cloud_credential';
const PENDING_KEY = 'pairing_pending';

/**
 * The edge half of pairing: ask the cloud for a claim code to show (CLI, LAN app), then poll
 * until the owner has entered it and collect the credential, which is stored and never
 * requested again. The pending pairing survives a restart, so the code shown stays valid.
 */
export class PairingClient {
  constructor(
    private readonly baseUrl: string,
    private readonly state: SyncStateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored credential, if this edge is paired. */
  credential(): EdgeCredential | undefined {
    const raw = this.state.get(CREDENTIAL_KEY);
    return raw ? EdgeCredentialSchema.parse(JSON.parse(raw)) : undefined;
  }

  /** The claim code to show: the pending one while it is valid, else a new one from the cloud. */
  async claimCode(edgeName: string): Promise<{ claimCode: string; expiresAt: number }> {
    const pending = this.pending();
    if (pending && pending.expiresAt > this.now() + 30_000) return { claimCode: pending.claimCode, expiresAt: pending.expiresAt };
    const body = await this.post('/v1/pairing/start', { edgeName });
    const started = PendingPairingSchema.parse(body);
    this.state.set(PENDING_KEY, JSON.stringify(started));
    return { claimCode: started.claimCode, expiresAt: started.expiresAt };
  }

  /** Asks once whether the owner has claimed the code; stores the credential when delivered. */
  async poll(): Promise<'paired' | 'pending' | 'expired'> {
    if (this.credential()) return 'paired';
    const pending = this.pending();
    if (!pending) return 'expired';
    const response = await fetch(`${this.baseUrl}/v1/pairing/${encodeURIComponent(pending.pairingId)}/credential`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pollSecret: pending.pollSecret }),
    });
    if (response.status === 202) return 'pending';
    if (response.status === 404) {
      this.state.delete(PENDING_KEY);
      return 'expired';
    }
    if (!response.ok) throw new Error(`pairing poll answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as Record<string, unknown>;
    const credential = EdgeCredentialSchema.parse({ edgeId: body.edgeId, farmId: body.farmId, token: body.token });
    this.state.set(CREDENTIAL_KEY, JSON.stringify(credential));
    this.state.delete(PENDING_KEY);
    return 'paired';
  }

  private pending(): PendingPairing | undefined {
    const raw = this.state.get(PENDING_KEY);
    return raw ? PendingPairingSchema.parse(JSON.parse(raw)) : undefined;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }
}
