import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { makePiRoot, piSetup } from './support/pi-root.js';
import { run } from './support/run.js';

// The broker files pi-setup.sh generates, served by a real Mosquitto on 127.0.0.1.
const pi = makePiRoot();
let broker: ChildProcess | undefined;
let url: string;
const clients: MqttClient[] = [];
const password = (user: string) => readFileSync(join(pi.root, `etc/tokkatot/mqtt/${user}.password`), 'utf8');

async function connect(user: string, secret = password(user)): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { username: user, password: secret, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000 });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const setup = await piSetup(['--root', pi.root, '--release', pi.release('1.0.0'), '--node', 'coop1-fan', '--node', 'coop1-sensor']);
  expect(setup.code, setup.stderr).toBe(0);
  const dir = join(pi.base, 'broker');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(pi.root, 'etc/mosquitto/tokkatot.passwd'), join(dir, 'passwd'));
  copyFileSync(join(pi.root, 'etc/mosquitto/tokkatot.acl'), join(dir, 'acl'));
  // The generated conf with this machine's paths and a loopback port instead of the Pi's.
  const conf = readFileSync(join(pi.root, 'etc/mosquitto/conf.d/tokkatot.conf'), 'utf8')
    .replace('/etc/mosquitto/tokkatot.passwd', join(dir, 'passwd'))
    .replace('/etc/mosquitto/tokkatot.acl', join(dir, 'acl'));
  const port = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'), conf.replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`));
  // Run as root, the broker drops to user mosquitto before it reads the password file.
  await run('chmod', ['755', pi.base]);
  await run('chown', ['-R', 'mosquitto:mosquitto', dir]);
  broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  url = `mqtt://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const probe = await mqtt.connectAsync(url, { username: 'tokkatot-edge', password: password('tokkatot-edge'), reconnectPeriod: 0, connectTimeout: 1000 });
      await probe.endAsync(true);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('the broker did not accept the generated edge credentials');
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  if (broker && broker.exitCode === null) {
    const exited = new Promise((resolve) => broker!.once('exit', resolve));
    broker.kill('SIGTERM');
    await exited;
  }
  rmSync(pi.base, { recursive: true, force: true });
});

describe('the broker configuration pi-setup.sh writes', () => {
  it("lets a node publish under its own topics and delivers it to the edge", async () => {
    const edge = await connect('tokkatot-edge');
    const node = await connect('coop1-fan');
    await edge.subscribeAsync('tokkatot/#', { qos: 1 });
    const received = new Promise<string>((resolve) => edge.once('message', (topic) => resolve(topic)));
    await node.publishAsync('tokkatot/farm-7/node/coop1-fan/state', '{"on":true}', { qos: 1 });
    await expect(received).resolves.toBe('tokkatot/farm-7/node/coop1-fan/state');
  });

  it("rejects a node's publish into another node's topics", async () => {
    const node = await connect('coop1-fan');
    await expect(node.publishAsync('tokkatot/farm-7/node/coop1-sensor/reading', 'spoofed', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow();
    await expect(connect('coop1-fan', 'not-the-password')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });
});
