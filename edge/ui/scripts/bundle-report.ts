import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';

/** The first screen may load at most this much gzipped JavaScript (issue 8). */
export const FIRST_SCREEN_BUDGET_BYTES = 150 * 1024;

export interface BundleReport {
  files: Array<{ file: string; gzipBytes: number }>;
  totalGzipBytes: number;
  withinBudget: boolean;
}

/**
 * Gzipped size of the JavaScript the first screen loads: the entry and every chunk it imports
 * statically. Lazily imported chunks (the chart library) are left out, since they load later.
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
  const files = [...seen].map((output) => {
    const path = join(workingDir, output);
    return { file: relative(dist, path), gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length };
  });
  const totalGzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return { files, totalGzipBytes, withinBudget: totalGzipBytes <= FIRST_SCREEN_BUDGET_BYTES };
}

export function formatReport(report: BundleReport): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = report.files.map((file) => `  ${file.file}: ${kb(file.gzipBytes)} gzip`);
  lines.push(`first-screen JavaScript: ${kb(report.totalGzipBytes)} gzip of ${kb(FIRST_SCREEN_BUDGET_BYTES)} budget — ${report.withinBudget ? 'within budget' : 'OVER BUDGET'}`);
  return lines.join('\n');
}
