import * as digitalocean from '@pulumi/digitalocean';
import { NODE_TAG } from './network.js';
import type { StackSettings } from './settings.js';

/** Node ports the in-cluster ingress controller and MQTT broker listen on (infra/k8s). */
export const INGRESS_NODE_PORT = 8080;
export const MQTT_NODE_PORT = 31883;
export const MQTTS_NODE_PORT = 30883;

/** HTTPS-only load balancer in front of the cluster: TLS terminated here, HTTP redirected, TCP 8080 health check every 10 s. */
export function createApiLoadBalancer(s: StackSettings, vpc: digitalocean.Vpc, certificate: digitalocean.Certificate): digitalocean.LoadBalancer {
  return new digitalocean.LoadBalancer('api-lb', {
    name: `tokkatot-${s.environment}-api`,
    region: s.region,
    vpcUuid: vpc.id,
    dropletTag: NODE_TAG,
    sizeUnit: 1,
    redirectHttpToHttps: true,
    forwardingRules: [
      { entryProtocol: 'https', entryPort: 443, targetProtocol: 'http', targetPort: INGRESS_NODE_PORT, certificateName: certificate.name },
      { entryProtocol: 'http', entryPort: 80, targetProtocol: 'http', targetPort: INGRESS_NODE_PORT },
    ],
    healthcheck: { protocol: 'tcp', port: INGRESS_NODE_PORT, checkIntervalSeconds: 10, responseTimeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
    stickySessions: { type: 'none' },
  });
}

/** TCP pass-through load balancer for the MQTT broker; TLS for 8883 is terminated by the broker itself. */
export function createMqttLoadBalancer(s: StackSettings, vpc: digitalocean.Vpc): digitalocean.LoadBalancer {
  return new digitalocean.LoadBalancer('mqtt-lb', {
    name: `tokkatot-${s.environment}-mqtt`,
    region: s.region,
    vpcUuid: vpc.id,
    dropletTag: NODE_TAG,
    sizeUnit: 1,
    forwardingRules: [
      { entryProtocol: 'tcp', entryPort: 1883, targetProtocol: 'tcp', targetPort: MQTT_NODE_PORT },
      { entryProtocol: 'tcp', entryPort: 8883, targetProtocol: 'tcp', targetPort: MQTTS_NODE_PORT },
    ],
    healthcheck: { protocol: 'tcp', port: MQTTS_NODE_PORT, checkIntervalSeconds: 10 },
  });
}

/** DigitalOcean DNS: apex → API load balancer, api → apex, mqtt → MQTT load balancer, cdn → Spaces CDN. */
export function createDns(
  s: StackSettings,
  apiLb: digitalocean.LoadBalancer,
  mqttLb: digitalocean.LoadBalancer,
  cdn: digitalocean.Cdn,
): digitalocean.DnsRecord[] {
  const domain = new digitalocean.Domain('domain', { name: s.domain });
  const record = (name: string, args: Omit<digitalocean.DnsRecordArgs, 'domain'>) =>
    new digitalocean.DnsRecord(name, { domain: domain.id, ttl: 300, ...args });
  return [
    record('dns-apex', { type: 'A', name: '@', value: apiLb.ip }),
    record('dns-api', { type: 'CNAME', name: 'api', value: '@' }),
    record('dns-mqtt', { type: 'A', name: 'mqtt', value: mqttLb.ip }),
    record('dns-cdn', { type: 'CNAME', name: 'cdn', value: cdn.endpoint.apply((endpoint) => `${endpoint}.`) }),
  ];
}
