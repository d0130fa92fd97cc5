import { afterEach, describe, expect, it } from 'vitest';
import type { OutputDecision } from '../../src/automation/arbitration.js';
import { AutomationBridge, EMPTY_DOCUMENTS, toArbiterSource } from '../../src/control/index.js';
import { seedCoop, startTestEdge, type TestEdge } from '../helpers.js';

let test: TestEdge | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

const decision = (outputId: string, state: 'on' | 'off', reason: string): OutputDecision => ({
  outputId,
  state,
  source: 'climate',
  reason,
  since: null,
  until: null,
  explanation: [],
});

async function bridgeOverSeededCoop() {
  test = await startTestEdge();
  seedCoop(test);
  test.edge.registry.createOutput(
    { id: 'heater-1', coopId: 'coop-1', nodeId: 'node-1', channel: 3, kind: 'heater', name: 'Heater', activeLow: true, failSafeState: 'off', maxOnSeconds: 3600, dimmable: false, installed: true },
    null,
  );
  const bridge = new AutomationBridge({ edge: test.edge, documents: () => EMPTY_DOCUMENTS });
  return { test, bridge };
}

describe('AutomationBridge', () => {
  it('maps engine sources onto the arbiter, keeping manual for people and max-ON cuts with the interlocks', () => {
    expect(toArbiterSource('climate')).toBe('climate');
    expect(toArbiterSource('schedule')).toBe('schedule');
    expect(toArbiterSource('max_on_cut')).toBe('interlock');
    expect(toArbiterSource('manual')).toBeNull();
  });

  it('switches every output off, acknowledged, before it switches any on (break before make)', async () => {
    const { test, bridge } = await bridgeOverSeededCoop();
    await test.edge.arbiter.setInput('heater-1', 'climate', { state: 'on', reason: 'heater on: cold' });
    test.driver.calls.length = 0;
    test.driver.delayMs = 30;
    // The engine names the fan first; the heater's OFF must still reach its node first.
    bridge.listeners.outputDecided!(decision('fan-1', 'on', 'Fan on: coop 1 at 31.9 °C > 31.5 °C'));
    bridge.listeners.outputDecided!(decision('heater-1', 'off', 'Heater off: interlock'));
    await expect.poll(() => test.driver.calls.length).toBe(2);
    expect(test.driver.calls.map((c) => `${c.outputId}:${c.state}`)).toEqual(['heater-1:off', 'fan-1:on']);
    await expect.poll(() => test.edge.arbiter.decisionOf('fan-1')?.state).toBe('on');
    expect(test.edge.arbiter.decisionOf('fan-1')).toMatchObject({ source: 'climate', reason: 'Fan on: coop 1 at 31.9 °C > 31.5 °C' });
  });

  it('replaces the previous automation input of an output instead of stacking a second one', async () => {
    const { test, bridge } = await bridgeOverSeededCoop();
    bridge.listeners.outputDecided!({ ...decision('fan-1', 'on', 'Fan on: schedule'), source: 'schedule' });
    await expect.poll(() => test.edge.arbiter.decisionOf('fan-1')?.source).toBe('schedule');
    bridge.listeners.outputDecided!({ ...decision('fan-1', 'off', 'Fan off: nothing asks for it (default)'), source: 'default' });
    await expect.poll(() => test.edge.arbiter.decisionOf('fan-1')?.source).toBe('default');
    expect(test.edge.arbiter.inputsOf('fan-1').map((held) => held.source)).toEqual(['default']);
    expect(test.edge.arbiter.decisionOf('fan-1')?.state).toBe('off');
  });

  it('records the engine alarms in the alarm table and the event log through their lifecycle', async () => {
    const { test, bridge } = await bridgeOverSeededCoop();
    const farmId = test.edge.registry.farm().id;
    const base = { farmId, coopId: 'coop-1', actorId: null, alarmId: 'alarm-1', kind: 'sensor_loss_emergency', severity: 'critical', message: 'Coop 1 has no trusted temperature' } as const;
    bridge.listeners.eventRecorded!({ ...base, id: 'e1', ts: test.clock.now(), type: 'alarm_raised' });
    expect(test.edge.alarms.get('alarm-1')).toMatchObject({ state: 'raised', kind: 'sensor_loss_emergency', coopId: 'coop-1' });
    bridge.listeners.eventRecorded!({ ...base, id: 'e2', ts: test.clock.now() + 1000, type: 'alarm_cleared' });
    expect(test.edge.alarms.get('alarm-1')).toMatchObject({ state: 'cleared', clearedAt: test.clock.now() + 1000 });
    expect(test.edge.events.query({ types: ['alarm_raised', 'alarm_cleared'] }).map((e) => e.event.type).sort()).toEqual(['alarm_cleared', 'alarm_raised']);
    // The arbiter records real output changes; the engine's own output_changed would duplicate them.
    bridge.listeners.eventRecorded!({ id: 'e3', farmId, ts: test.clock.now(), coopId: 'coop-1', actorId: null, type: 'output_changed', outputId: 'fan-1', state: 'on', level: null, source: 'climate', reason: 'x' });
    expect(test.edge.events.query({ types: ['output_changed'] })).toHaveLength(0);
  });

  it('rebuilds the engine configuration after a registry change and passes API acknowledgements to the engine', async () => {
    const { test, bridge } = await bridgeOverSeededCoop();
    const configs: number[] = [];
    const acknowledged: string[] = [];
    bridge.start({ updateConfig: (config) => void configs.push(config.outputs.length), acknowledge: (alarmId) => (acknowledged.push(alarmId), true) });
    test.edge.registry.createOutput(
      { id: 'fan-2', coopId: 'coop-1', nodeId: 'node-1', channel: 6, kind: 'fan', name: 'Fan 2', activeLow: true, failSafeState: 'on', maxOnSeconds: 3600, dimmable: false, installed: true },
      null,
    );
    await expect.poll(() => configs.at(-1)).toBe(3);

    const farmId = test.edge.registry.farm().id;
    bridge.listeners.eventRecorded!({ id: 'e1', farmId, ts: test.clock.now(), coopId: 'coop-1', actorId: null, type: 'alarm_raised', alarmId: 'alarm-9', kind: 'temperature_high', severity: 'warning', message: 'Coop 1 at 36.2 °C' });
    test.edge.alarms.acknowledge('alarm-9', 'user-1');
    await expect.poll(() => acknowledged).toEqual(['alarm-9']);
    bridge.stop();
  });

  it('refreshes the reason the core shows when its wording changes, not when only a figure does', async () => {
    const { test, bridge } = await bridgeOverSeededCoop();
    bridge.listeners.outputDecided!(decision('heater-1', 'off', 'Heater off: Coop 1 has no trusted temperature: never heat without a reading'));
    await expect.poll(() => test.edge.arbiter.decisionOf('heater-1')?.reason).toMatch(/no trusted temperature/);
    bridge.syncReasons([decision('heater-1', 'off', 'Heater off: Coop 1 at 29.1 °C, within the band')]);
    await expect.poll(() => test.edge.arbiter.decisionOf('heater-1')?.reason).toBe('Heater off: Coop 1 at 29.1 °C, within the band');
    bridge.syncReasons([decision('heater-1', 'off', 'Heater off: Coop 1 at 29.4 °C, within the band')]);
    await test.edge.arbiter.resend('heater-1');
    expect(test.edge.arbiter.decisionOf('heater-1')?.reason).toBe('Heater off: Coop 1 at 29.1 °C, within the band');
  });
});

