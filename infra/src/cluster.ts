import * as digitalocean from '@pulumi/digitalocean';
import type * as pulumi from '@pulumi/pulumi';
import { NODE_TAG } from './network.js';
import type { StackSettings } from './settings.js';

/** The newest DOKS release with the configured prefix (DigitalOcean retires old patch slugs). */
export function kubernetesVersion(s: StackSettings): pulumi.Output<string> {
  return digitalocean.getKubernetesVersionsOutput({ versionPrefix: s.kubernetesVersionPrefix }).latestVersion;
}

/** DOKS with an HA control plane and one autoscaling pool (3–10 nodes). RBAC and Cilium network policy are always on in DOKS. */
export function createCluster(s: StackSettings, vpc: digitalocean.Vpc, registry: digitalocean.ContainerRegistry): digitalocean.KubernetesCluster {
  return new digitalocean.KubernetesCluster(
    'cluster',
    {
      name: `tokkatot-${s.environment === 'production' ? 'prod' : s.environment}`,
      region: s.region,
      version: kubernetesVersion(s),
      vpcUuid: vpc.id,
      ha: true,
      autoUpgrade: true,
      surgeUpgrade: true,
      registryIntegration: true,
      maintenancePolicy: { day: 'sunday', startTime: '19:00' },
      nodePool: {
        name: 'default',
        size: s.nodeSize,
        nodeCount: s.nodeCount,
        autoScale: true,
        minNodes: s.minNodes,
        maxNodes: s.maxNodes,
        tags: [NODE_TAG],
      },
    },
    // The registry must exist before the cluster is wired to it.
    { dependsOn: [registry] },
  );
}

/** DigitalOcean Container Registry (DOCR) for the cloud, edge and simulator images. */
export function createRegistry(s: StackSettings): digitalocean.ContainerRegistry {
  return new digitalocean.ContainerRegistry('registry', {
    name: s.registryName,
    region: s.region,
    subscriptionTierSlug: 'basic',
  });
}
