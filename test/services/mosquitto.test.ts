import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { requireService, services } from '../support/services.js';

const clients: MqttClient[] = [];

async function connect(url: string, username: string, password: string, extra: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { username, password, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

describe('Mosquitto harness', () => {
  it('delivers a QoS 1 message from a node to the edge with its payload intact', async () => {
    const url = requireService('mqtt');
    const edge = await connect(url, 'edge', 'edge-test-pass');
    const node = await connect(url, 'node-a', 'node-a-test-pass');
    await edge.subscribeAsync('tokkatot/farm-1/node/node-a/#', { qos: 1 });
    const received = new Promise<{ topic: string; payload: string; qos: number }>((resolve) =>
      edge.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), qos: packet.qos })),
    );
    // For QoS 1 the promise settles only once the broker's PUBACK arrived.
    const sent = await node.publishAsync('tokkatot/farm-1/node/node-a/reading', '{"t":31.5}', { qos: 1 });
    expect(sent).toMatchObject({ cmd: 'publish', qos: 1 });
    await expect(received).resolves.toEqual({ topic: 'tokkatot/farm-1/node/node-a/reading', payload: '{"t":31.5}', qos: 1 });
  });

  it("rejects a node's publish into another node's topics (ACL, MQTT 5)", async () => {
    const node = await connect(requireService('mqtt'), 'node-a', 'node-a-test-pass');
    await expect(node.publishAsync('tokkatot/farm-1/node/node-b/state', 'spoofed', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  });

  it('refuses a wrong password', async () => {
    await expect(connect(requireService('mqtt'), 'node-a', 'wrong')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('serves TLS with the harness CA', async () => {
    requireService('mqtt');
    const { MQTTS_URL, MQTT_CA_FILE } = services();
    const client = await connect(MQTTS_URL!, 'edge', 'edge-test-pass', { ca: readFileSync(MQTT_CA_FILE!), rejectUnauthorized: true });
    expect(client.connected).toBe(true);
  });
});
