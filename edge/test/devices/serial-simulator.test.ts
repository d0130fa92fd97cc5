import { afterEach, describe, expect, it } from 'vitest';
import {
  DeviceManager,
  FakeGpioProvider,
  ResetLine,
  SerialTransport,
  SimulatedCoop,
  startSimulatedCoops,
  type CommandOutcome,
  type DeviceEventMap,
} from '../../src/devices/index.js';
import { coopConfig, eventually, makeTempDir, nextEvent, sleep } from './support.js';

// Edge ↔ simulated coop over a real pseudo-terminal (firmware/port-posix).
const FEEDER = 0;
const FAN = 2;
const HEATER = 3;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCoop(extraArgs: string[] = [], dataDir?: string): Promise<SimulatedCoop> {
  let dir = dataDir;
  if (!dir) {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    dir = temp.dir;
  }
  const coop = new SimulatedCoop({ nodeId: 'coop-1', dataDir: dir, extraArgs });
  await coop.start();
  cleanups.push(() => coop.kill());
  return coop;
}

function startEdge(paths: string[], options: Partial<ConstructorParameters<typeof DeviceManager>[0]> = {}, linkTimeoutMs = 2000) {
  const transport = new SerialTransport({ paths, reopenDelayMs: 100 });
  const manager = new DeviceManager({ transports: [transport], configFor: () => coopConfig(linkTimeoutMs), commandTimeoutMs: 250, retries: 3, ...options });
  cleanups.push(() => manager.stop());
  return { transport, manager };
}

const executedIds = (coop: SimulatedCoop) => coop.readJournal().filter((e) => e.kind === 'executed').map((e) => Number(e.fields.id));
const outputOf = (state: DeviceEventMap['outputStateReported'][0]['state'], channel: number) => state.outputs.find((o) => o.channel === channel);

describe('DeviceManager over a serial pseudo-terminal', () => {
  it('discovers a coop by hello, configures it, and gets an ack then a state report for a command', async () => {
    const coop = await startCoop();
    const { manager } = startEdge([coop.link]);
    const discovered = nextEvent(manager, 'nodeDiscovered');
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    const hello = await discovered;
    expect(hello).toMatchObject({ nodeId: 'coop-1', transport: 'serial', address: coop.link });
    expect(hello.hello.outputs.map((o) => o.kind)).toEqual(['feeder', 'conveyor', 'fan', 'heater', 'light', 'water_pump']);
    expect(hello.hello.outputs.every((o) => o.kind === 'light' || o.activeLow)).toBe(true);
    expect((await configured).config.linkTimeoutMs).toBe(2000);

    const reported = nextEvent(manager, 'outputStateReported', (e) => outputOf(e.state, FAN)?.state === 'on');
    const outcome = await manager.setOutput('coop-1', { channel: FAN, state: 'on' });
    expect(outcome).toMatchObject({ status: 'acked', attempts: 1 });
    const state = (await reported).state;
    expect(outputOf(state, FAN)).toMatchObject({ state: 'on', level: 100, reason: 'commanded', remainingS: 86_400 });
    expect(state.configured).toBe(true);
    expect(executedIds(coop)).toEqual([outcome.id]);
    expect(manager.getNode('coop-1')).toMatchObject({ online: true, configured: true });
  });

  it('reports a dead sensor as a failure status and a fault, never as a number', async () => {
    const coop = await startCoop(['--dead-sensor', '0']);
    const { manager } = startEdge([coop.link]);
    const fault = nextEvent(manager, 'faultReported', (e) => e.fault.fault === 'sensor_failure');
    const readings = nextEvent(manager, 'readingsReceived', (e) => e.readings.length === 3);
    await manager.start();
    expect((await fault).fault).toMatchObject({ channel: 0, detail: 1 });
    const { readings: values } = await readings;
    expect(values.find((r) => r.channel === 0)).toStrictEqual({ channel: 0, status: 'failed', failure: 'no_response' });
    expect(values.find((r) => r.channel === 1)).toMatchObject({ status: 'ok' });
  });

  it('refuses bad commands at the node and says why', async () => {
    const coop = await startCoop();
    const { manager } = startEdge([coop.link]);
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    expect(await manager.setOutput('coop-1', { channel: 9, state: 'on' })).toMatchObject({ status: 'nacked', error: 'unknown_output' });
    expect(await manager.setOutput('coop-1', { channel: FEEDER, state: 'on', durationS: 901 })).toMatchObject({ status: 'nacked', error: 'exceeds_max_on' });
    expect(await manager.setOutput('coop-1', { channel: FAN, state: 'on', level: 50 })).toMatchObject({ status: 'nacked', error: 'invalid_level' });
    expect(await manager.setOutput('coop-9', { channel: FAN, state: 'on' })).toMatchObject({ status: 'failed', reason: 'offline' });
    await expect(manager.setOutput('coop-1', { channel: FAN, state: 'on', level: 101 })).rejects.toThrow(/level/);
    expect(executedIds(coop)).toEqual([]);
  });

  it('runs every command exactly once over a noisy line, retrying the lost ones', async () => {
    const coop = await startCoop(['--line-noise', '0.1', '--seed', '7']);
    const { manager } = startEdge([coop.link], { retries: 8, commandTimeoutMs: 150 });
    const configured = nextEvent(manager, 'nodeConfigured', () => true, 20_000);
    const rejected: string[] = [];
    manager.on('frameRejected', (e) => rejected.push(e.error));
    await manager.start();
    await configured;
    const outcomes: CommandOutcome[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await manager.setOutput('coop-1', { channel: FEEDER, state: i % 2 === 0 ? 'on' : 'off' }));
    const acked = outcomes.filter((o) => o.status === 'acked');
    expect(acked.length).toBe(30);
    expect(outcomes.some((o) => o.attempts > 1)).toBe(true);
    expect(rejected.length).toBeGreaterThan(0);
    const executed = executedIds(coop);
    expect(executed.sort()).toEqual(acked.map((o) => o.id).sort());
    expect(new Set(executed).size).toBe(executed.length);
  }, 60_000);

  it('knows the outcome of a command whose node was killed mid-command, and never runs it twice', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    // The node executes at once but holds its ack back, so the kill lands between the two.
    const slow = await startCoop(['--ack-delay-ms', '1500'], temp.dir);
    const { manager } = startEdge([slow.link], { retries: 6, commandTimeoutMs: 400 });
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    const firstBoot = manager.getNode('coop-1')?.hello.bootId;
    const pending = manager.setOutput('coop-1', { channel: HEATER, state: 'on' });
    await eventually(() => executedIds(slow).length === 1, 5000, 'execution on the node');
    await slow.kill('SIGKILL');
    const restarted = new SimulatedCoop({ nodeId: 'coop-1', dataDir: temp.dir });
    const rebooted = nextEvent(manager, 'nodeRebooted');
    await restarted.start();
    cleanups.push(() => restarted.kill());
    const outcome = await pending;
    // Either the retry reached the new boot (refused: stale session) or the hello came first.
    expect(outcome.status === 'failed' ? outcome.reason : outcome.status === 'nacked' ? outcome.error : 'acked').toMatch(/node_rebooted|stale_session/);
    expect((await rebooted).previousBootId).toBe(firstBoot);
    const after = await nextEvent(manager, 'outputStateReported', (e) => e.state.bootId !== firstBoot);
    expect(outputOf(after.state, HEATER)).toMatchObject({ state: 'off', reason: 'boot' });
    await sleep(1500); // any late retry has had its chance to run, and must not have
    expect(executedIds(restarted)).toEqual([outcome.id]);
    const boots = restarted.readJournal().filter((e) => e.kind === 'boot');
    expect(boots).toHaveLength(2);
  }, 30_000);

  it('fails a command to a hung node after its retries, and the command never runs later', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const coop = await startCoop([], temp.dir);
    const { manager } = startEdge([coop.link], { retries: 2, commandTimeoutMs: 200, offlineAfterMs: 60_000 });
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    coop.pause();
    const outcome = await manager.setOutput('coop-1', { channel: FEEDER, state: 'on' });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout', attempts: 3 });
    await coop.kill('SIGKILL'); // the frames it never read die with it
    const back = new SimulatedCoop({ nodeId: 'coop-1', dataDir: temp.dir });
    const online = nextEvent(manager, 'nodeConfigured');
    await back.start();
    cleanups.push(() => back.kill());
    await online;
    await sleep(500);
    expect(executedIds(back)).toEqual([]);
    // A node that is gone altogether fails fast.
    const offline = nextEvent(manager, 'nodeOffline');
    await back.kill('SIGKILL');
    await offline;
    expect(await manager.setOutput('coop-1', { channel: FEEDER, state: 'on' })).toMatchObject({ status: 'failed', reason: 'offline', attempts: 0 });
  }, 30_000);

  it('recovers by itself when the port closes and reopens, without a restart', async () => {
    const coop = await startCoop();
    const { manager, transport } = startEdge([coop.link]);
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    const closed = nextEvent(manager, 'linkClosed');
    const reopened = nextEvent(manager, 'linkOpened');
    transport.linkOf(coop.link)?.dropForTest();
    expect(await closed).toMatchObject({ reason: 'port_closed' });
    await reopened;
    await eventually(() => manager.getNode('coop-1')?.online === true, 5000, 'node online again');
    expect(await manager.setOutput('coop-1', { channel: FAN, state: 'on' })).toMatchObject({ status: 'acked' });
  }, 20_000);

  it('rediscovers a coop whose port vanished and came back (simulator restarted)', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const coop = await startCoop([], temp.dir);
    const { manager } = startEdge([coop.link]);
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    const offline = nextEvent(manager, 'nodeOffline');
    await coop.stop();
    expect((await offline).reason).toBe('link_closed');
    const back = new SimulatedCoop({ nodeId: 'coop-1', dataDir: temp.dir });
    const reconfigured = nextEvent(manager, 'nodeConfigured');
    await back.start();
    cleanups.push(() => back.kill());
    await reconfigured;
    expect(await manager.setOutput('coop-1', { channel: FAN, state: 'on' })).toMatchObject({ status: 'acked' });
  }, 20_000);

  it('leaves the coop in its fail-safe states when the edge stops, as its state report shows after reconnection', async () => {
    const coop = await startCoop();
    const first = startEdge([coop.link], {}, 1000);
    const configured = nextEvent(first.manager, 'nodeConfigured');
    await first.manager.start();
    await configured;
    expect(await first.manager.setOutput('coop-1', { channel: HEATER, state: 'on' })).toMatchObject({ status: 'acked' });
    expect(await first.manager.setOutput('coop-1', { channel: FAN, state: 'off' })).toMatchObject({ status: 'acked' });
    await first.manager.stop();
    await sleep(1600); // past the 1 s link timeout

    const second = startEdge([coop.link], {}, 1000);
    const report = nextEvent(second.manager, 'outputStateReported');
    const faults: string[] = [];
    second.manager.on('faultReported', (e) => faults.push(e.fault.fault));
    await second.manager.start();
    const { state } = await report;
    expect(outputOf(state, HEATER)).toMatchObject({ state: 'off', reason: 'fail_safe' });
    expect(outputOf(state, FAN)).toMatchObject({ state: 'on', reason: 'fail_safe' });
    const heartbeat = await nextEvent(second.manager, 'heartbeatReceived');
    expect(heartbeat.heartbeat.counters.linkLosses).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('resets a hung node through its reset line', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    let coop = await startCoop([], temp.dir);
    const gpio = new FakeGpioProvider();
    // The fake EN line: asserting it power-cycles the simulated board.
    gpio.on('changed', (_pin, active) => {
      if (!active) return;
      void (async () => {
        await coop.kill('SIGKILL');
        coop = new SimulatedCoop({ nodeId: 'coop-1', dataDir: temp.dir, extraArgs: ['--reset-reason', 'external'] });
        await coop.start();
        cleanups.push(() => coop.kill());
      })();
    });
    const resetLines = new Map([['coop-1', new ResetLine(gpio.openOutput(23, { activeLow: true, initiallyActive: false }), 20)]]);
    const { manager } = startEdge([coop.link], { resetLines, offlineAfterMs: 800, resetAfterMs: 500 });
    const configured = nextEvent(manager, 'nodeConfigured');
    await manager.start();
    await configured;
    const offline = nextEvent(manager, 'nodeOffline');
    const pulsed = nextEvent(manager, 'nodeResetPulsed');
    const rebooted = nextEvent(manager, 'nodeRebooted');
    coop.pause(); // hung: the port stays open, nothing comes out
    expect((await offline).reason).toBe('heartbeat_timeout');
    await pulsed;
    expect((await rebooted).resetReason).toBe('external');
    await eventually(() => manager.getNode('coop-1')?.online === true, 5000, 'node online after reset');
  }, 30_000);

  it('runs two simulated coops side by side', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const sims = await startSimulatedCoops({ count: 2, dataDir: temp.dir, speed: 60 });
    cleanups.push(() => sims.stop());
    const { manager } = startEdge(sims.paths);
    const seen = new Set<string>();
    const both = new Promise<void>((resolve) =>
      manager.on('nodeConfigured', (e) => {
        seen.add(e.nodeId);
        if (seen.size === 2) resolve();
      }),
    );
    await manager.start();
    await both;
    expect([...seen].sort()).toEqual(['coop-sim-1', 'coop-sim-2']);
    expect(await manager.setOutput('coop-sim-2', { channel: 4, state: 'on', level: 40 })).toMatchObject({ status: 'acked' });
  }, 20_000);
});
