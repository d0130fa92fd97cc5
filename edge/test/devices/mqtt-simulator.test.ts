import mqtt from 'mqtt';
import { encodeFrame } from '@tokkatot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceManager, MqttTransport, SimulatedCoop } from '../../src/devices/index.js';
import { coopConfig, makeTempDir, nextEvent, requireBrokerUrl } from './support.js';

// Edge ↔ simulated coop over the real Mosquitto of scripts/test-services.sh, whose password file
// has one user per node (node-a, node-b) and the edge, and whose ACL confines each node to
// tokkatot/+/node/<its user>/#.
const FARM = 'farm-1';
const PASSWORDS: Record<string, string> = { edge: 'edge-test-pass', 'node-a': 'node-a-test-pass', 'node-b': 'node-b-test-pass' };
const FAN = 2;

const brokerUrl = requireBrokerUrl;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startMqttCoop(nodeId: string): Promise<SimulatedCoop> {
  const temp = makeTempDir();
  cleanups.push(temp.remove);
  const coop = new SimulatedCoop({ nodeId, dataDir: temp.dir, extraArgs: ['--mqtt', brokerUrl(), '--farm-id', FARM, '--password', PASSWORDS[nodeId] ?? ''] });
  await coop.start();
  cleanups.push(() => coop.kill());
  return coop;
}

async function startEdge(): Promise<DeviceManager> {
  const transport = new MqttTransport({ url: brokerUrl(), farmId: FARM, username: 'edge', password: PASSWORDS.edge as string, clientId: `edge-test-${Date.now()}` });
  const manager = new DeviceManager({ transports: [transport], configFor: () => coopConfig(3000), commandTimeoutMs: 400 });
  cleanups.push(() => manager.stop());
  return manager;
}

async function connectAs(user: string) {
  const client = await mqtt.connectAsync(brokerUrl(), { protocolVersion: 5, username: user, password: PASSWORDS[user], clientId: `${user}-probe-${Date.now()}`, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  return client;
}

describe('DeviceManager over MQTT', () => {
  it('discovers, configures and commands a node over the broker', async () => {
    const manager = await startEdge();
    const configured = nextEvent(manager, 'nodeConfigured', (e) => e.nodeId === 'node-a');
    await manager.start();
    await startMqttCoop('node-a');
    expect((await configured).config.heartbeatPeriodMs).toBe(250);
    expect(manager.getNode('node-a')).toMatchObject({ transport: 'mqtt', address: 'node-a', online: true });
    const reported = nextEvent(manager, 'outputStateReported', (e) => e.state.outputs.find((o) => o.channel === FAN)?.state === 'on');
    expect(await manager.setOutput('node-a', { channel: FAN, state: 'on' })).toMatchObject({ status: 'acked' });
    expect((await reported).state.outputs.find((o) => o.channel === FAN)).toMatchObject({ reason: 'commanded' });
  }, 20_000);

  it('sees a node go offline through its last will when it dies', async () => {
    const manager = await startEdge();
    const configured = nextEvent(manager, 'nodeConfigured', (e) => e.nodeId === 'node-a');
    await manager.start();
    const coop = await startMqttCoop('node-a');
    await configured;
    const offline = nextEvent(manager, 'nodeOffline', (e) => e.nodeId === 'node-a');
    await coop.kill('SIGKILL');
    expect((await offline).reason).toBe('last_will');
    expect(await manager.setOutput('node-a', { channel: FAN, state: 'on' })).toMatchObject({ status: 'failed', reason: 'offline' });
  }, 20_000);

  it("refuses a node's publish into another node's topics (MQTT 5)", async () => {
    const manager = await startEdge();
    const rejected: string[] = [];
    manager.on('nodeDiscovered', (e) => rejected.push(`discovered ${e.nodeId}`));
    await manager.start();
    const nodeA = await connectAs('node-a');
    const forged = encodeFrame({ seq: 1, message: { type: 'fault', fault: 'link_lost', channel: null, detail: 0 } });
    await expect(nodeA.publishAsync(`tokkatot/${FARM}/node/node-b/fault`, Buffer.from(forged), { qos: 1 })).rejects.toThrow(/not authori[sz]ed/i);
    await expect(nodeA.publishAsync(`tokkatot/${FARM}/node/node-b/cmd/set-output`, Buffer.from(forged), { qos: 1 })).rejects.toThrow(/not authori[sz]ed/i);
    // Its own subtree is fine.
    await expect(nodeA.publishAsync(`tokkatot/${FARM}/node/node-a/fault`, Buffer.from(forged), { qos: 1 })).resolves.toBeDefined();
  }, 20_000);

  it('drops a hello whose node id does not match its topic', async () => {
    const manager = await startEdge();
    const mismatch = nextEvent(manager, 'frameRejected', (e) => e.error === 'topic_mismatch');
    await manager.start();
    const nodeA = await connectAs('node-a');
    const hello = encodeFrame({
      seq: 1,
      message: { type: 'hello', nodeId: 'node-b', firmwareVersion: '1.0.0', hardwareRevision: 1, bootId: 5, resetReason: 'power_on', slot: 'a', imageConfirmed: true, outputs: [], sensors: [] },
    });
    await nodeA.publishAsync(`tokkatot/${FARM}/node/node-a/hello`, Buffer.from(hello), { qos: 1 });
    expect((await mismatch).address).toBe('node-a');
    expect(manager.getNode('node-b')).toBeUndefined();
  }, 20_000);
});
