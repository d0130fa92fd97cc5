import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIRMWARE_DIR = fileURLToPath(new URL('../../../firmware/', import.meta.url));
const CANDIDATES = [join(FIRMWARE_DIR, 'build/port-posix/tokkatot-sim'), join(FIRMWARE_DIR, 'build/sim/port-posix/tokkatot-sim')];

/**
 * The simulated coop binary (firmware/port-posix): the given path, $TOKKATOT_SIM_BINARY, an
 * existing build, or a fresh build with cmake. Throws with the command that fixes it otherwise.
 */
export function ensureSimulatorBinary(binaryPath?: string): string {
  const explicit = binaryPath ?? process.env.TOKKATOT_SIM_BINARY;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`simulated coop binary not found at ${explicit}`);
    return explicit;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found) return found;
  return withBuildLock(() => CANDIDATES.find((candidate) => existsSync(candidate)) ?? buildSimulator());
}

/** Parallel test workers may all want the binary: one builds, the others wait for it. */
function withBuildLock<T>(work: () => T): T {
  const lock = join(FIRMWARE_DIR, '.sim-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes belongs to a build that died: take it over.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for another build of the simulated coop (${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildSimulator(): string {
  const buildDir = join(FIRMWARE_DIR, 'build/sim');
  const steps: string[][] = [
    ['cmake', '-S', FIRMWARE_DIR, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DTOKKATOT_TESTS=OFF'],
    ['cmake', '--build', buildDir, '--target', 'tokkatot-sim', '-j2'],
  ];
  for (const [command, ...args] of steps) {
    const result = spawnSync(command as string, args, { encoding: 'utf8' });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : result.stderr.slice(-800);
      throw new Error(
        `cannot build the simulated coop (${[command, ...args].join(' ')}): ${why}\n` +
          'It needs cmake and a C compiler: apt-get install -y cmake gcc (or set TOKKATOT_SIM_BINARY).',
      );
    }
  }
  const built = CANDIDATES[1] as string;
  if (!existsSync(built)) throw new Error(`the simulated coop build finished but ${built} is missing`);
  return built;
}

export interface SimulatedCoopOptions {
  nodeId: string;
  /** Holds the stable serial link, the stored configuration and the command journal. */
  dataDir: string;
  binaryPath?: string;
  /** Physics time acceleration (protocol timers always run in real time). */
  speed?: number;
  /** More tokkatot-sim flags: fault injection and the like (see tokkatot-sim --help). */
  extraArgs?: string[];
  verbose?: boolean;
}

export interface JournalEntry {
  /** boot, executed command, and the firmware slots' switch, confirm and rollback. */
  kind: 'boot' | 'executed' | 'switch' | 'confirm' | 'rollback';
  fields: Record<string, string>;
}

/**
 * One simulated coop process behind a pseudo-terminal. Its serial device is reached through
 * `link`, a symlink that survives restarts, so the edge can keep reopening the same path.
 */
export class SimulatedCoop {
  readonly link: string;
  ptyPath: string | null = null;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: SimulatedCoopOptions) {
    this.link = join(options.dataDir, `${options.nodeId}.tty`);
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once its pseudo-terminal exists. */
  async start(): Promise<string> {
    if (this.child) throw new Error(`${this.nodeId} is already running`);
    const binary = ensureSimulatorBinary(this.options.binaryPath);
    mkdirSync(this.options.dataDir, { recursive: true });
    // --exit-with-parent: a simulated coop never outlives the edge that started it, even after kill -9.
    const args = ['--node-id', this.nodeId, '--data-dir', this.options.dataDir, '--link', this.link, '--speed', String(this.options.speed ?? 1), '--exit-with-parent'];
    if (this.options.verbose) args.push('--verbose');
    const child = spawn(binary, [...args, ...(this.options.extraArgs ?? [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code, signal) => reject(new Error(`${this.nodeId} exited before printing its pty (code ${code}, signal ${signal})`)));
      child.once('error', reject);
    });
    lines.close();
    child.stdout?.resume();
    this.ptyPath = first.trim();
    return this.link;
  }

  /** Sends a signal and waits for the exit (SIGKILL: a power cut in the middle of anything). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }

  /** Freezes the process (a hung node whose port stays open) until resume(). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Asks the firmware to reboot itself (same process, new boot id). */
  reboot(): void {
    this.child?.kill('SIGUSR1');
  }

  /** The boots and executed commands recorded by every run in this data folder. */
  readJournal(): JournalEntry[] {
    const path = join(this.options.dataDir, `${this.nodeId}.journal`);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const [kind, ...pairs] = line.split(' ');
        return { kind: kind as JournalEntry['kind'], fields: Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string])) };
      });
  }
}

export interface SimulatedCoops {
  coops: SimulatedCoop[];
  /** Serial paths to hand to the SerialTransport, one per coop. */
  paths: string[];
  stop(): Promise<void>;
}

/** Starts N simulated coops over real pseudo-terminals (what `npm start` runs by default). */
export async function startSimulatedCoops(options: {
  count?: number;
  dataDir: string;
  binaryPath?: string;
  speed?: number;
  nodeIdPrefix?: string;
  extraArgs?: string[];
}): Promise<SimulatedCoops> {
  const count = options.count ?? 2;
  const binaryPath = ensureSimulatorBinary(options.binaryPath);
  const coops = Array.from(
    { length: count },
    (_, i) =>
      new SimulatedCoop({
        nodeId: `${options.nodeIdPrefix ?? 'coop-sim-'}${i + 1}`,
        dataDir: options.dataDir,
        binaryPath,
        speed: options.speed,
        extraArgs: options.extraArgs,
      }),
  );
  try {
    const paths = await Promise.all(coops.map((coop) => coop.start()));
    return { coops, paths, stop: async () => void (await Promise.all(coops.map((coop) => coop.stop()))) };
  } catch (error) {
    await Promise.all(coops.map((coop) => coop.kill()));
    throw error;
  }
}
