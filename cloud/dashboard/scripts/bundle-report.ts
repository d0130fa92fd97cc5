import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';

/** The first screen may load at most this much gzipped JavaScript: owners open it on 4G phones. */
export const FIRST_SCREEN_BUDGET_BYTES = 250 * 1024;

export interface BundleReport {
  files: Array<{ file: string; gzipBytes: number }>;
  totalGzipBytes: number;
  /** Chunks loaded later (chart library, offline copy, firmware section), for the record. */
  lazy: Array<{ file: string; gzipBytes: number }>;
  withinBudget: boolean;
}

const gzipSize = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

/**
 * Gzipped size of the JavaScript the first screen loads: the entry and every chunk it imports
 * statically. Lazily imported chunks (uPlot, RxDB with Dexie) are listed apart.
 */
export function measureFirstScreen(metafile: Metafile, workingDir: string, dist: string, entryOutput: string): BundleReport {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path.endsWith('.js')) visit(imported.path);
    }
  };
  visit(entryOutput);
  const measure = (output: string) => ({ file: relative(dist, join(workingDir, output)), gzipBytes: gzipSize(join(workingDir, output)) });
  const files = [...seen].map(measure);
  const lazy = Object.keys(metafile.outputs)
    .filter((output) => output.endsWith('.js') && !seen.has(output))
    .map(measure);
  const totalGzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return { files, totalGzipBytes, lazy, withinBudget: totalGzipBytes <= FIRST_SCREEN_BUDGET_BYTES };
}

export function formatReport(report: BundleReport): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = report.files.map((file) => `  ${file.file}: ${kb(file.gzipBytes)} gzip`);
  lines.push(`first-screen JavaScript: ${kb(report.totalGzipBytes)} gzip of ${kb(FIRST_SCREEN_BUDGET_BYTES)} budget — ${report.withinBudget ? 'within budget' : 'OVER BUDGET'}`);
  const lazyTotal = report.lazy.reduce((sum, file) => sum + file.gzipBytes, 0);
  lines.push(`loaded later (charts, offline copy, firmware): ${kb(lazyTotal)} gzip in ${report.lazy.length} chunks`);
  return lines.join('\n');
}
