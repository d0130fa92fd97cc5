/**
 * `npm run demo`: the cloud, two farms and their simulated coops on this machine, paired, until
 * Ctrl-C. Re-running reuses data/demo (the account, the farms and the pairings are kept).
 * Ports: DEMO_CLOUD_PORT (8090) and DEMO_EDGE_PORT (8081, and the next one).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './demo.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const edgePort = Number(process.env.DEMO_EDGE_PORT ?? 8081);

const demo = await startDemo({
  dataDir: join(ROOT, 'data/demo'),
  cloudPort: Number(process.env.DEMO_CLOUD_PORT ?? 8090),
  edgePorts: [edgePort, edgePort + 1],
}).catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
});

process.stdout.write(
  [
    '',
    'Tokkatot demo is running (Ctrl-C stops everything; data in data/demo).',
    `  Owners' dashboard: ${demo.cloudUrl}   sign in as ${demo.owner.email} / ${demo.owner.password}`,
    ...demo.edges.map((edge) => `  ${edge.name} LAN app: ${edge.url}   sign in as ${demo.owner.edgeUsername} / ${demo.owner.password}`),
    '',
  ].join('\n'),
);

const shutdown = () => void demo.stop().then(() => process.exit(0));
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
