/**
 * Builds the owners' dashboard into cloud/dashboard/dist: hashed ES modules (uPlot and the RxDB
 * offline copy split off and loaded lazily), bundled CSS with the self-hosted Khmer font, the
 * service worker with its precache list, the manifest and icons. Prints the first screen's
 * gzipped JavaScript against the budget and fails when it is over.
 * Usage: tsx cloud/dashboard/scripts/build.ts [--out DIR]
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { formatReport, measureFirstScreen } from './bundle-report.js';

const DASHBOARD = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
/** cloud/dashboard/dist, or another folder given as `--out DIR` (tests build into temp folders). */
const DIST = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]!) : join(DASHBOARD, 'dist');
const ASSETS = join(DIST, 'assets');

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(ASSETS, { recursive: true });
  const result = await build({
    absWorkingDir: DASHBOARD,
    entryPoints: { main: 'src/main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: ['es2020', 'chrome80'],
    outdir: ASSETS,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.woff2': 'file', '.woff': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint === 'src/main.ts')?.[0];
  if (!entry) throw new Error('esbuild produced no entry output');
  const css = result.metafile.outputs[entry]?.cssBundle;
  const url = (output: string) => `/${relative(DIST, join(DASHBOARD, output))}`;

  const template = readFileSync(join(DASHBOARD, 'index.html'), 'utf8');
  const page = template
    .replace('<!--STYLES-->', css ? `<link rel="stylesheet" href="${url(css)}" />` : '')
    .replace('<!--SCRIPTS-->', `<script type="module" src="${url(entry)}"></script>`);
  writeFileSync(join(DIST, 'index.html'), page);
  cpSync(join(DASHBOARD, 'public'), DIST, { recursive: true });

  // Everything the app needs to open with no network: scripts (lazy ones too), styles, woff2 fonts.
  const precache = readdirSync(ASSETS)
    .filter((file) => /\.(js|css|woff2)$/.test(file))
    .map((file) => `/assets/${file}`);
  const worker = await build({ absWorkingDir: DASHBOARD, entryPoints: ['src/sw.ts'], bundle: true, minify: true, format: 'iife', target: ['es2020'], write: false, logLevel: 'warning' });
  const version = /main-([A-Z0-9]+)\.js$/i.exec(entry)?.[1] ?? String(Date.now());
  writeFileSync(join(DIST, 'sw.js'), worker.outputFiles[0]!.text.replace('__BUILD__', version).replace('"__PRECACHE__"', JSON.stringify(precache).slice(1, -1)));

  const report = measureFirstScreen(result.metafile, DASHBOARD, DIST, entry);
  process.stdout.write(`cloud/dashboard built into ${DIST}\n${formatReport(report)}\n`);
  writeFileSync(join(DIST, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!report.withinBudget) process.exitCode = 1;
}

await main();
