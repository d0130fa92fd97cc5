import * as pulumi from '@pulumi/pulumi';
import type { DeclaredResource } from '../src/spec-checks.js';

/** Mocked DOKS release list: what `getKubernetesVersions` answers for the configured prefix. */
const DOKS_LATEST = '1.31.9-do.2';

/**
 * Installs Pulumi mocks that stand in for DigitalOcean and returns the list every declared
 * resource is recorded into. Must be awaited before the stack module is imported.
 */
export async function installDigitalOceanMocks(): Promise<DeclaredResource[]> {
  const declared: DeclaredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        declared.push({ type: args.type, name: args.name, id, inputs: args.inputs as Record<string, unknown> });
        // Computed outputs DigitalOcean would fill in; undefined otherwise.
        const computed: Record<string, unknown> = {
          ip: args.type.endsWith('LoadBalancer') ? `203.0.113.${declared.length}` : undefined,
          endpoint: args.type.endsWith('cdn:Cdn') ? `${args.name}.cdn.digitaloceanspaces.com` : `${args.name}.example.invalid`,
          bucketDomainName: `${String(args.inputs['name'])}.sgp1.digitaloceanspaces.com`,
          privateHost: `private-${args.name}.db.ondigitalocean.com`,
          kubeConfigs: [{ rawConfig: 'apiVersion: v1\nkind: Config\n' }],
        };
        return { id, state: { ...args.inputs, ...computed } };
      },
      call(args) {
        if (args.token === 'digitalocean:index/getKubernetesVersions:getKubernetesVersions') {
          return { latestVersion: DOKS_LATEST, validVersions: [DOKS_LATEST], versionPrefix: args.inputs['versionPrefix'] };
        }
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    'tokkatot',
    'test',
    false,
  );
  return declared;
}

/** Resolves once every resource has been registered with the (mock) engine. */
export function settled(resources: pulumi.Resource[]): Promise<unknown[]> {
  return Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}
