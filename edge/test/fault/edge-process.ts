import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
// tsx's loader by absolute URL: the child runs in the data folder, where no node_modules is.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface EdgeProcess {
  child: ChildProcess;
  url: string;
  /** What the edge printed up to "listening on". */
  banner: string;
}

/** Starts `tsx edge/src/main.ts` as a child process on 127.0.0.1 and a free port; resolves with its URL. */
export function spawnEdge(dataDir: string, env: Record<string, string> = {}): Promise<EdgeProcess> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], {
    cwd: dataDir,
    env: { ...process.env, TOKKATOT_DATA_DIR: dataDir, TOKKATOT_HOST: '127.0.0.1', TOKKATOT_PORT: '0', TOKKATOT_LOG_LEVEL: 'error', TOKKATOT_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the edge did not start in 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ child, url: match[1]!, banner: output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the edge exited with ${code} before listening:\n${output}`));
    });
  });
}

/** kill -9, and wait until the process is gone. */
export function killHard(edge: EdgeProcess): Promise<void> {
  if (edge.child.exitCode !== null || edge.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    edge.child.once('exit', () => resolve());
    edge.child.kill('SIGKILL');
  });
}
