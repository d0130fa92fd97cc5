import { HybridLogicalClock, newId } from '@tokkatot/shared';
import type { Clock } from './clock.js';
import type { MetaRepository } from './db/index.js';

/** Stamps local edits of replicated documents; persisted so stamps never go backwards after a restart. */
export interface HlcSource {
  tick(): string;
  /** This edge's identity in HLC stamps. */
  readonly nodeId: string;
}

/** A hybrid logical clock whose node id and last stamp live in the meta table. */
export function createHlcSource(meta: MetaRepository, clock: Clock): HlcSource {
  const nodeId = meta.getOrCreate('edge_node_id', () => `edge-${newId(clock.now()).toLowerCase()}`);
  const hlc = new HybridLogicalClock({ node: nodeId, now: () => clock.now() }, meta.get('hlc_last'));
  return {
    nodeId,
    tick() {
      const stamp = hlc.tick();
      meta.set('hlc_last', stamp);
      return stamp;
    },
  };
}
