import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClimateMemory, evaluateClimate, type ClimateInput, type ClimateMemory, type ClimateResult } from '../../src/automation/climate.js';
import { makeRule, pp } from './fixtures.js';

const T0 = pp('2026-03-10T14:00:00');
const rule = makeRule();
const base: Omit<ClimateInput, 'temperatureC' | 'now'> = { rule, mode: 'growing', targetC: null, humidityPercent: null, zone: 'Asia/Phnom_Penh', coopName: 'coop 1', outputNames: { 'fan-1': 'fan 1', 'fan-2': 'fan 2', 'heater-1': 'heater 1' } };

function on(result: ClimateResult, id: string): boolean {
  return result.decisions.find((d) => d.outputId === id)!.on;
}

/** Runs the rule over a temperature trace, one step every `stepMs`, carrying memory. */
function run(trace: Array<number | null>, stepMs = 10_000, input: Partial<ClimateInput> = {}, memory: ClimateMemory = createClimateMemory()) {
  const results: ClimateResult[] = [];
  trace.forEach((t, i) => {
    const r = evaluateClimate({ ...base, ...input, temperatureC: t, now: T0 + i * stepMs }, memory);
    memory = r.memory;
    results.push(r);
  });
  return results;
}

function switches(results: ClimateResult[], id: string): number {
  let n = 0;
  for (let i = 1; i < results.length; i++) if (on(results[i]!, id) !== on(results[i - 1]!, id)) n++;
  return n;
}

describe('evaluateClimate: band, hysteresis and stages', () => {
  it('heats below the band, keeps heating through the hysteresis, stops above it', () => {
    const r = run([27.9, 28.2, 28.4, 28.6], 61_000);
    expect(r.map((x) => on(x, 'heater-1'))).toEqual([true, true, true, false]);
    expect(r[0]!.decisions.find((d) => d.outputId === 'heater-1')!.reason).toBe("heater 1 on: coop 1 at 27.9 °C < 28.0 °C, rule 'cooling', since 14:00");
  });

  it('stages fans: fan 1 above the band, fan 2 two degrees higher, with the reason', () => {
    const [r] = run([33.1]);
    expect(on(r!, 'fan-1')).toBe(true);
    expect(on(r!, 'fan-2')).toBe(false);
    const [hot] = run([34.5]);
    expect(on(hot!, 'fan-2')).toBe(true);
    expect(hot!.decisions.find((d) => d.outputId === 'fan-2')!.reason).toBe("fan 2 on: coop 1 at 34.5 °C > 34.0 °C, rule 'cooling', since 14:00");
    expect(on(hot!, 'heater-1')).toBe(false);
  });

  it('follows the growth-day target with the band width centred on it', () => {
    const curveRule = makeRule({ target: 'curve' });
    const [r] = run([31.5], 10_000, { rule: curveRule, targetC: 33 });
    expect(r!.band).toEqual({ lowC: 31, highC: 35 });
    expect(on(r!, 'heater-1')).toBe(false);
    const [cold] = run([30.9], 10_000, { rule: curveRule, targetC: 33 });
    expect(on(cold!, 'heater-1')).toBe(true);
  });
});

describe('evaluateClimate: short-cycling protection', () => {
  it('stays on through small flapping around the band edge (hysteresis) where the naive rule flaps', () => {
    const trace = Array.from({ length: 360 }, (_, i) => 28 + 0.3 * Math.sin(i)); // one hour, 10 s steps
    const r = run(trace);
    expect(switches(r, 'heater-1')).toBeLessThanOrEqual(1);
    const naive = trace.map((t) => t < 28);
    const naiveSwitches = naive.filter((v, i) => i > 0 && v !== naive[i - 1]).length;
    expect(naiveSwitches).toBeGreaterThan(100);
  });

  it('never switches faster than the minimum ON and OFF times allow', () => {
    const trace = Array.from({ length: 360 }, (_, i) => (i % 2 === 0 ? 27 : 29.5)); // wild swings every 10 s
    const r = run(trace);
    let lastChange = -Infinity;
    for (let i = 1; i < r.length; i++) {
      if (on(r[i]!, 'heater-1') !== on(r[i - 1]!, 'heater-1')) {
        expect(i * 10_000 - lastChange).toBeGreaterThanOrEqual(60_000);
        lastChange = i * 10_000;
      }
    }
    // One change per minute at most: min ON 60 s + min OFF 60 s is one full cycle per two minutes.
    expect(switches(r, 'heater-1')).toBeLessThanOrEqual(60);
    const held = r.find((x) => x.decisions.some((d) => d.cause === 'min_time'))!;
    expect(held.decisions.find((d) => d.cause === 'min_time')!.reason).toContain('minimum');
    expect(held.nextEvaluationAt).not.toBeNull();
  });

  it('cuts an output after its max run time and rests it', () => {
    const r = run(Array.from({ length: 10 }, () => 20), 60_000, { rule: makeRule({ maxRunSeconds: 300, minOffSeconds: 120 }) });
    const states = r.map((x) => on(x, 'heater-1'));
    expect(states.slice(0, 5)).toEqual([true, true, true, true, true]);
    expect(states[5]).toBe(false);
    expect(r[5]!.decisions.find((d) => d.outputId === 'heater-1')).toMatchObject({ cause: 'max_run', safety: true });
    expect(states[6]).toBe(false);
    expect(states[7]).toBe(true);
  });
});

describe('evaluateClimate: minimum ventilation, humidity and interlock', () => {
  const mvRule = makeRule({
    fanStages: [{ outputId: 'fan-2', onAboveC: 2 }],
    minimumVentilation: { outputIds: ['fan-1'], cycleSeconds: 300, minOnPercent: 10, maxOnPercent: 50, rampSpanC: 2 },
    humidityMaxPercent: 80,
  });

  it('runs the minimum-ventilation fan for its share of a fixed cycle, ramped with temperature', () => {
    const cycleStart = Math.ceil(T0 / 300_000) * 300_000;
    const at = (offsetS: number, t: number, humidity: number | null = null) =>
      evaluateClimate({ ...base, rule: mvRule, temperatureC: t, humidityPercent: humidity, now: cycleStart + offsetS * 1000 }, createClimateMemory());
    expect(on(at(29, 28), 'fan-1')).toBe(true); // 10 % of 300 s = 30 s
    expect(on(at(31, 28), 'fan-1')).toBe(false);
    expect(at(31, 28).nextEvaluationAt).toBe(cycleStart + 300_000);
    expect(on(at(80, 29), 'fan-1')).toBe(true); // half-way up the ramp: 30 % = 90 s
    expect(on(at(100, 29), 'fan-1')).toBe(false);
    expect(on(at(140, 30.5), 'fan-1')).toBe(true); // top of the ramp: 50 %
    expect(on(at(140, 28, 85), 'fan-1')).toBe(true); // humid: maximum share
    expect(at(140, 28, 85).decisions.find((d) => d.outputId === 'fan-1')!.cause).toBe('humidity');
  });

  it('pauses the heater while a minimum-ventilation fan runs (interlock)', () => {
    const cycleStart = Math.ceil(T0 / 300_000) * 300_000;
    const r = evaluateClimate({ ...base, rule: mvRule, temperatureC: 25, now: cycleStart + 5_000 }, { outputs: { 'heater-1': { on: true, changedAt: T0 - 3_600_000, cutUntil: null, demand: true } }, humid: false });
    expect(on(r, 'fan-1')).toBe(true);
    expect(r.decisions.find((d) => d.outputId === 'heater-1')).toMatchObject({ on: false, cause: 'interlock' });
  });
});

describe('evaluateClimate: sensor-loss emergency', () => {
  it('switches the heater off at once when the reading goes missing mid-heating, ignoring its minimum ON time', () => {
    const r = run([25, 25, null], 10_000, { rule: makeRule({ minOnSeconds: 600 }) });
    expect(on(r[1]!, 'heater-1')).toBe(true);
    expect(on(r[2]!, 'heater-1')).toBe(false);
    expect(r[2]!.emergency).toBe(true);
    expect(r[2]!.decisions.find((d) => d.outputId === 'heater-1')!.reason).toContain('never heat without a reading');
  });

  it('keeps minimum ventilation at its minimum share and holds cooling fans as they were', () => {
    const mvRule = makeRule({ minimumVentilation: { outputIds: ['fan-2'], cycleSeconds: 600, minOnPercent: 20, maxOnPercent: 100, rampSpanC: 1 } });
    const cycleStart = Math.ceil(T0 / 600_000) * 600_000;
    const memory: ClimateMemory = { outputs: { 'fan-1': { on: true, changedAt: T0 - 600_000, cutUntil: null, demand: true } }, humid: false };
    const early = evaluateClimate({ ...base, rule: mvRule, temperatureC: null, now: cycleStart + 60_000 }, memory);
    expect(on(early, 'fan-2')).toBe(true);
    expect(on(early, 'fan-1')).toBe(true);
    expect(on(early, 'heater-1')).toBe(false);
    expect(on(evaluateClimate({ ...base, rule: mvRule, temperatureC: null, now: cycleStart + 130_000 }, memory), 'fan-2')).toBe(false);
  });
});

describe('evaluateClimate: house modes', () => {
  it('never heats an empty house and never heats while catching', () => {
    for (const mode of ['empty', 'catching'] as const) {
      const [r] = run([15], 10_000, { mode });
      expect(on(r!, 'heater-1')).toBe(false);
      expect(r!.decisions.find((d) => d.outputId === 'heater-1')!.reason).toContain(`house mode ${mode}`);
    }
    const [hot] = run([35], 10_000, { mode: 'empty' });
    expect(on(hot!, 'fan-1')).toBe(false);
    const [catching] = run([35], 10_000, { mode: 'catching' });
    expect(on(catching!, 'fan-1')).toBe(true);
  });
});

describe('evaluateClimate properties', () => {
  const traces = fc.array(fc.option(fc.double({ min: 10, max: 45, noNaN: true }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 80 });
  const rules = fc.record({
    hysteresisC: fc.double({ min: 0.1, max: 5, noNaN: true }),
    minOnSeconds: fc.integer({ min: 0, max: 300 }),
    minOffSeconds: fc.integer({ min: 0, max: 300 }),
    maxRunSeconds: fc.option(fc.integer({ min: 60, max: 3600 }), { nil: null }),
    mv: fc.boolean(),
    mode: fc.constantFrom('empty' as const, 'pre_heat' as const, 'growing' as const, 'catching' as const),
  });

  it('never has a heater ON when the reading is missing, nor a heater and a fan ON together', () => {
    fc.assert(
      fc.property(traces, rules, fc.integer({ min: 1_000, max: 120_000 }), (trace, p, stepMs) => {
        const r = makeRule({
          hysteresisC: p.hysteresisC,
          minOnSeconds: p.minOnSeconds,
          minOffSeconds: p.minOffSeconds,
          maxRunSeconds: p.maxRunSeconds,
          heaterStages: [{ outputId: 'heater-1', onBelowC: 0 }, { outputId: 'heater-2', onBelowC: 2 }],
          minimumVentilation: p.mv ? { outputIds: ['fan-1', 'fan-3'], cycleSeconds: 120, minOnPercent: 20, maxOnPercent: 80, rampSpanC: 2 } : null,
        });
        const results = run(trace, stepMs, { rule: r, mode: p.mode });
        results.forEach((res, i) => {
          const heaters = res.decisions.filter((d) => d.outputId.startsWith('heater') && d.on);
          const fans = res.decisions.filter((d) => d.outputId.startsWith('fan') && d.on);
          if (trace[i] === null) expect(heaters).toEqual([]);
          expect(heaters.length > 0 && fans.length > 0).toBe(false);
          if (res.nextEvaluationAt !== null) expect(res.nextEvaluationAt).toBeGreaterThan(T0 + i * stepMs);
        });
      }),
      { numRuns: 300 },
    );
  });
});
