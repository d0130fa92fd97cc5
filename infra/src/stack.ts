import type * as digitalocean from '@pulumi/digitalocean';
import { createCluster, createRegistry } from './cluster.js';
import { createDatabases, type Databases } from './databases.js';
import { createApiLoadBalancer, createDns, createMqttLoadBalancer } from './ingress.js';
import { createNodeFirewall, createVpc } from './network.js';
import type { StackSettings } from './settings.js';
import { createStorage } from './storage.js';

export interface Stack extends Databases {
  vpc: digitalocean.Vpc;
  firewall: digitalocean.Firewall;
  registry: digitalocean.ContainerRegistry;
  cluster: digitalocean.KubernetesCluster;
  bucket: digitalocean.SpacesBucket;
  cdn: digitalocean.Cdn;
  apiLb: digitalocean.LoadBalancer;
  mqttLb: digitalocean.LoadBalancer;
  dns: digitalocean.DnsRecord[];
}

/** Every DigitalOcean resource of the deployment specification. */
export function buildStack(s: StackSettings): Stack {
  const vpc = createVpc(s);
  const firewall = createNodeFirewall(s);
  const registry = createRegistry(s);
  const cluster = createCluster(s, vpc, registry);
  const databases = createDatabases(s, vpc, cluster);
  const { bucket, cdn, certificate } = createStorage(s);
  const apiLb = createApiLoadBalancer(s, vpc, certificate);
  const mqttLb = createMqttLoadBalancer(s, vpc);
  const dns = createDns(s, apiLb, mqttLb, cdn);
  return { vpc, firewall, registry, cluster, ...databases, bucket, cdn, apiLb, mqttLb, dns };
}
