import type { Ack, OutputDriver } from '../commands/output-driver.js';
import type { DeviceManager } from '../devices/index.js';

/** Where an output lives: its node and relay channel (from the registry). */
export type OutputLocator = (outputId: string) => { nodeId: string; channel: number; dimmable: boolean } | undefined;

/**
 * The core's OutputDriver over the DeviceManager. Created before the edge (createEdge takes the
 * driver) and attached once the devices start; until then, and after detach, it refuses.
 */
export class DeviceOutputDriver implements OutputDriver {
  private manager: Pick<DeviceManager, 'setOutput'> | null = null;
  private locate: OutputLocator | null = null;
  private readonly inFlight = new Set<Promise<Ack>>();

  attach(manager: Pick<DeviceManager, 'setOutput'>, locate: OutputLocator): void {
    this.manager = manager;
    this.locate = locate;
  }

  /** Refuses new commands and waits for those in flight, so the devices can stop with no command half-done. */
  async detach(): Promise<void> {
    this.manager = null;
    this.locate = null;
    await Promise.allSettled([...this.inFlight]);
  }

  setOutput(outputId: string, state: 'on' | 'off', level?: number): Promise<Ack> {
    const pending = this.send(outputId, state, level);
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending));
    return pending;
  }

  private async send(outputId: string, state: 'on' | 'off', level?: number): Promise<Ack> {
    if (!this.manager || !this.locate) return { ok: false, error: 'the device link is not running' };
    const where = this.locate(outputId);
    if (!where) return { ok: false, error: `output ${outputId} is not in the registry` };
    const outcome = await this.manager.setOutput(where.nodeId, {
      channel: where.channel,
      state,
      ...(where.dimmable && level !== undefined ? { level } : {}),
    });
    if (outcome.status === 'acked') return { ok: true };
    if (outcome.status === 'nacked') return { ok: false, error: `node ${where.nodeId} refused: ${outcome.error}` };
    return { ok: false, error: `node ${where.nodeId} did not answer (${outcome.reason} after ${outcome.attempts} attempts)` };
  }
}
