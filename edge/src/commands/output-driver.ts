/** What a device driver answers to a command: applied, or why not. */
export type Ack = { ok: true } | { ok: false; error: string };

/**
 * The one thing the arbiter needs from the devices layer: put an output in a state. The real
 * DeviceManager (edge/src/devices) implements it; tests use FakeOutputDriver.
 */
export interface OutputDriver {
  setOutput(outputId: string, state: 'on' | 'off', level?: number): Promise<Ack>;
}

/** An in-memory driver: records every call, acknowledges unless told to fail. */
export class FakeOutputDriver implements OutputDriver {
  readonly calls: { outputId: string; state: 'on' | 'off'; level: number | undefined }[] = [];
  readonly states = new Map<string, { state: 'on' | 'off'; level: number | undefined }>();
  failWith: string | null = null;
  delayMs = 0;

  async setOutput(outputId: string, state: 'on' | 'off', level?: number): Promise<Ack> {
    this.calls.push({ outputId, state, level });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith !== null) return { ok: false, error: this.failWith };
    this.states.set(outputId, { state, level });
    return { ok: true };
  }
}
