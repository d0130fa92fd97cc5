import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEER = fileURLToPath(new URL('./edge-peer.ts', import.meta.url));

/** Drives an edge-peer child process; `kill()` is a real SIGKILL. */
export class EdgePeerHandle {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = raw as { id: number; ok: boolean; value?: unknown; error?: string };
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new Error(message.error));
    });
    child.on('exit', () => {
      for (const entry of this.waiting.values()) entry.reject(new Error('edge peer exited'));
      this.waiting.clear();
    });
  }

  /** Spawns the peer (through tsx) and waits until it is ready. */
  static async spawn(): Promise<EdgePeerHandle> {
    const child = fork(PEER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const handle = new EdgePeerHandle(child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        if ((raw as { id: number }).id === 0) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`edge peer exited with ${code}`)));
    });
    return handle;
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, op, args });
    });
  }

  /** SIGKILL: no cleanup, no flush; whatever SQLite committed is all that survives. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Graceful end: stops the client, then the process exits. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('stop').catch(() => undefined);
    this.child.disconnect();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    await this.kill();
  }
}
