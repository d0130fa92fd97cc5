#!/usr/bin/env node
// The one test command (`npm test`): starts the real services once, runs the firmware's C tests
// (ctest) and the TypeScript suites (vitest), and ends with one plain line `N passed, N failed`
// over both, because CI reads that line rather than either runner's own summary.
// Arguments are passed to vitest (`npm test -- --project edge`); the C tests then run only when
// no filter was given, and the output says so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, '.test-report');
const vitestArgs = process.argv.slice(2);
process.env.NO_COLOR = '1';

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const parts = [];

function run(command, args, extraEnv = {}) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } }).status ?? 1;
}

function readEnvFile(path) {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

// Services: started here once so the C and TS suites share them, stopped whatever happens.
const services = spawnSync('bash', [join(root, 'scripts/test-services.sh'), 'up'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const servicesDir = services.stdout.trim();
if (services.status === 0 && servicesDir && existsSync(join(servicesDir, 'env'))) {
  Object.assign(process.env, readEnvFile(join(servicesDir, 'env')));
} else {
  console.error('test services could not be prepared; the tests that need them will fail by name');
}
const stopServices = () => {
  if (servicesDir && existsSync(servicesDir)) spawnSync('bash', [join(root, 'scripts/test-services.sh'), 'down', servicesDir], { stdio: 'inherit' });
};
process.on('exit', stopServices);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// Firmware (C): each ctest test is one counted test; a build failure counts as one failure.
if (vitestArgs.length === 0) {
  const junit = join(reportDir, 'ctest.xml');
  const status = run('bash', [join(root, 'scripts/firmware-test.sh')], { FIRMWARE_JUNIT: junit });
  if (existsSync(junit)) {
    const xml = readFileSync(junit, 'utf8');
    const cases = xml.match(/<testcase\b[^>]*>/g) ?? [];
    const failed = cases.filter((tag) => /status="fail"/.test(tag)).length;
    const skipped = cases.filter((tag) => /status="(notrun|disabled)"/.test(tag)).length;
    parts.push(`firmware (ctest) — ${cases.length - failed - skipped} passed / ${failed} failed`);
    totals.passed += cases.length - failed - skipped;
    totals.failed += failed + skipped; // a C test that did not run is a failure, never a silent skip
    if (status !== 0 && failed === 0) totals.failed += 1;
  } else {
    parts.push('firmware (ctest) — build failed before any test ran');
    totals.failed += 1;
  }
} else {
  parts.push('firmware (ctest) — not run: a vitest filter was given');
}

// TypeScript: vitest's JSON report gives the counts.
const vitestJson = join(reportDir, 'vitest.json');
const vitestStatus = run(join(root, 'node_modules/.bin/vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`, ...vitestArgs]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  parts.push(`vitest — ${report.numPassedTests} passed / ${report.numFailedTests} failed / ${report.numPendingTests + report.numTodoTests} skipped`);
  // A file that failed to load or whose hooks threw has no failed test of its own: count it.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'));
  for (const file of brokenFiles) parts.push(`vitest — ${file.name.replace(root, '')}: ${(file.message || 'failed outside any test').split('\n')[0]}`);
  totals.failed += brokenFiles.length;
  if (vitestStatus !== 0 && report.numFailedTests === 0 && brokenFiles.length === 0) {
    totals.failed += 1; // a suite that failed to load or an unhandled error
    parts.push('vitest — exited with an error outside any test (counted as one failure)');
  }
} else {
  totals.failed += 1;
  parts.push('vitest — produced no report (crashed before running tests)');
}

console.log('');
for (const part of parts) console.log(part);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exitCode = totals.failed === 0 ? 0 : 1;
