import * as digitalocean from '@pulumi/digitalocean';
import type { StackSettings } from './settings.js';

/** Tag carried by every Kubernetes worker: the firewall and the load balancers select nodes by it. */
export const NODE_TAG = 'tokkatot-k8s-node';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** The private network every resource lives in. */
export function createVpc(s: StackSettings): digitalocean.Vpc {
  return new digitalocean.Vpc('vpc', {
    name: `tokkatot-${s.environment}-vpc`,
    region: s.region,
    ipRange: s.vpcIpRange,
    description: 'Isolated network for the Tokkatot cluster, databases and load balancers',
  });
}

/** The specification's firewall: HTTPS, HTTP (redirect only), MQTT and MQTT over TLS in; everything out. */
export function createNodeFirewall(s: StackSettings): digitalocean.Firewall {
  return new digitalocean.Firewall('node-firewall', {
    name: `tokkatot-${s.environment}-nodes`,
    tags: [NODE_TAG],
    inboundRules: [
      { protocol: 'tcp', portRange: '443', sourceAddresses: ANYWHERE },
      { protocol: 'tcp', portRange: '80', sourceAddresses: ANYWHERE },
      { protocol: 'tcp', portRange: '1883', sourceAddresses: s.mqttSourceAddresses },
      { protocol: 'tcp', portRange: '8883', sourceAddresses: ANYWHERE },
      // Pod-to-pod and node-to-node traffic inside the VPC.
      { protocol: 'tcp', portRange: '1-65535', sourceAddresses: [s.vpcIpRange] },
      { protocol: 'udp', portRange: '1-65535', sourceAddresses: [s.vpcIpRange] },
    ],
    outboundRules: [
      { protocol: 'tcp', portRange: '1-65535', destinationAddresses: ANYWHERE },
      { protocol: 'udp', portRange: '1-65535', destinationAddresses: ANYWHERE },
      { protocol: 'icmp', destinationAddresses: ANYWHERE },
    ],
  });
}
