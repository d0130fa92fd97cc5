import { NameSchema, TokkatotError, parseOrThrow } from '@tokkatot/shared';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { SyncStateStore } from '../db/sync/index.js';
import { createEdge } from '../edge.js';
import { PairingClient } from '../sync/index.js';
import type { CliContext, CliIo } from './commands.js';

export interface PairOptions {
  /** The cloud URL; default `cloud.url` from the configuration. */
  cloud?: string;
  /** The name the owner sees in the cloud; default the farm's name. */
  name?: string;
  /** Give up after this many seconds (default 900, the claim code's life). */
  timeout?: string;
  /** Seconds between asks (default 3). */
  pollSeconds?: string;
}

/**
 * `tokkatot pair`: prints a claim code, waits until the owner enters it in the cloud and stores
 * the credential (once). A running edge picks the credential up by itself, without a restart.
 */
export async function runPair(context: CliContext, options: PairOptions, io: CliIo): Promise<void> {
  const { config } = loadConfig(context.configFile ? { file: context.configFile } : {});
  const cloudUrl = parseOrThrow(z.url(), options.cloud ?? config.cloud.url ?? '', '--cloud (or cloud.url in the configuration)');
  const timeoutMs = parseOrThrow(z.coerce.number().int().min(1).max(86_400), options.timeout ?? '900', '--timeout') * 1000;
  const pollMs = parseOrThrow(z.coerce.number().min(0.01).max(60), options.pollSeconds ?? '3', '--poll-seconds') * 1000;
  const edge = createEdge({ config });
  try {
    const pairing = new PairingClient(cloudUrl, new SyncStateStore(edge.database.db));
    const existing = pairing.credential();
    if (existing) {
      io.out(`already paired: farm ${existing.farmId}, edge ${existing.edgeId}`);
      return;
    }
    const name = parseOrThrow(NameSchema, options.name ?? edge.registry.farm().name, '--name');
    const { claimCode, expiresAt } = await pairing.claimCode(name);
    io.out(`claim code: ${claimCode}`);
    io.out(`Enter it in the Tokkatot cloud (Farm → Add edge) before ${new Date(expiresAt).toISOString()}. Waiting…`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await pairing.poll();
      if (answer === 'paired') break;
      if (answer === 'expired') throw new TokkatotError('CONFLICT', 'The claim code expired before it was entered; run tokkatot pair again.');
      if (Date.now() >= deadline) throw new TokkatotError('CONFLICT', `Not paired within ${timeoutMs / 1000} s; run tokkatot pair again (the same code is shown while it is valid).`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const credential = pairing.credential()!;
    io.out(`paired: farm ${credential.farmId}, edge ${credential.edgeId}`);
  } finally {
    edge.database.close();
  }
}
