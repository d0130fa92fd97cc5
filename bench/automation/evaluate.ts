/**
 * Decisions per second of the automation for a farm of 5 coops × 20 outputs, beside a trivial
 * baseline (the original product's threshold rule, one comparison per output) in the same run.
 * Run: npx tsx bench/automation/evaluate.ts  (writes bench/automation/RESULTS.md)
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Reading } from '@tokkatot/shared';
import { arbitrateOutput } from '../../edge/src/automation/arbitration.js';
import { AutomationEngine, type AutomationClock } from '../../edge/src/automation/automation-engine.js';
import { MemoryAutomationStore } from '../../edge/src/automation/automation-store.js';
import { createClimateMemory, evaluateClimate } from '../../edge/src/automation/climate.js';
import { evaluateSchedule } from '../../edge/src/automation/schedule.js';
import { benchFarm } from './_farm.js';

const farm = benchFarm(5);
const OUTPUTS = farm.outputs.length;
const SENSORS = farm.coops.reduce((n, c) => n + c.temperatureSensors.length + c.humiditySensors.length + (c.water ? 1 : 0), 0);
const START = Date.parse('2026-03-10T00:00:00+07:00');

/** Runs `fn` repeatedly for about `ms` and returns calls per second (best of 3 rounds). */
function measure(fn: (i: number) => void, ms = 1500): number {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let i = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < ms / 3) {
      for (let k = 0; k < 50; k++) fn(i++);
      elapsed = performance.now() - t0;
    }
    best = Math.max(best, (i * 1000) / elapsed);
  }
  return best;
}

// Baseline: the original rule, temp < min → heater on, temp > max → fan on, else off.
let sink = 0;
const baseline = measure((i) => {
  const t = 26 + ((i * 7) % 80) / 10;
  for (let o = 0; o < OUTPUTS; o++) sink += o % 2 === 0 ? (t < 28 ? 1 : 0) : t > 31 ? 1 : 0;
});

// Pure pieces, per output or per coop.
const schedule = farm.schedules[0]!;
const coopSchedules = farm.schedules.filter((s) => s.coopId === 'coop-1');
const scheduleRate =
  coopSchedules.length *
  measure((i) => {
    for (const s of coopSchedules) sink += evaluateSchedule(s, START + i * 37_000, farm.zone).state === 'on' ? 1 : 0;
  });
const rule = farm.coops[0]!.climate!;
let memory = createClimateMemory();
const climateRate = measure((i) => {
  const r = evaluateClimate({ rule, mode: 'growing', targetC: null, temperatureC: 26 + ((i * 7) % 80) / 10, humidityPercent: 70, now: START + i * 10_000, zone: farm.zone, coopName: 'coop-1' }, memory);
  memory = r.memory;
});
const output = farm.outputs[0]!;
const arbitrationRate = measure((i) => {
  sink += arbitrateOutput({ output, now: START + i, zone: farm.zone, schedules: [{ scheduleId: 's', evaluation: evaluateSchedule(schedule, START, farm.zone) }] }).state === 'on' ? 1 : 0;
});

// The whole engine: every reading recomputes all 100 outputs (schedules, climate, arbitration, alarms).
let now = START;
const clock: AutomationClock = { now: () => now, setTimer: () => 0, clearTimer: () => {} };
const engine = new AutomationEngine(farm, clock, new MemoryAutomationStore(), { set: () => {} });
engine.start();
const sensors = farm.coops.flatMap((c) => c.temperatureSensors.map((s) => s.id));
const engineRate = measure((i) => {
  now += 1000;
  const reading: Reading = { sensorId: sensors[i % sensors.length]!, ts: now, status: 'ok', value: 26 + ((i * 7) % 80) / 10 };
  engine.ingestReading(reading);
});
engine.stop();

const rows = [
  ['baseline: original threshold rule', baseline * OUTPUTS, 'one comparison per output'],
  ['engine recompute (all 100 outputs)', engineRate * OUTPUTS, `${engineRate.toFixed(0)} recomputes/s`],
  ['evaluateSchedule', scheduleRate, `the ${coopSchedules.length} schedules of one coop (cycle, cron, duty)`],
  ['evaluateClimate (one coop, 11 outputs)', climateRate * 11, `${climateRate.toFixed(0)} coop evaluations/s`],
  ['arbitrateOutput (one output)', arbitrationRate, 'with a schedule evaluation'],
] as const;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const table = rows.map(([name, rate, note]) => `| ${name} | ${fmt(rate)} | ${(rate / (baseline * OUTPUTS)).toExponential(2)} | ${note} |`).join('\n');
const report = `# Automation evaluation benchmark

Command: \`npx tsx bench/automation/evaluate.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores).

Farm: ${farm.coops.length} coops × ${OUTPUTS / farm.coops.length} outputs (3 heater stages, 8 fan stages with 2
minimum-ventilation fans, 9 scheduled outputs: cycle, cron with steps and auto-off, duty windows),
3 temperature sensors + humidity + water per coop, default alarms.

| what | decisions/s | ratio to baseline | note |
|---|---:|---:|---|
${table}

A full recompute (what happens on every reading, timer fire or command) decides all
${OUTPUTS} outputs in ${(1000 / engineRate).toFixed(2)} ms. Readings arrive every ~10 s per sensor,
so ${SENSORS} sensors cost about ${((SENSORS * 1000) / engineRate / 10).toFixed(1)} ms of CPU per second
(${((SENSORS * 100) / engineRate / 10).toFixed(2)} % of one core) on this machine; the baseline is a bare comparison and
only shows the cost of everything the real rules add (time zones, hysteresis, reasons, alarms).
`;
writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), report);
console.log(report);
if (sink < 0) console.log(sink);
