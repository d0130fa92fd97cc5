import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredResource } from '../src/spec-checks.js';
import { installDigitalOceanMocks } from './pulumi-mocks.js';

// The Pulumi entry module itself, with stack config as `pulumi config set` would store it.
let declared: DeclaredResource[];
let program: Record<string, pulumi.Output<unknown>>;

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

beforeAll(async () => {
  declared = await installDigitalOceanMocks();
  pulumi.runtime.setAllConfig({ 'tokkatot:maxNodes': '12', 'tokkatot:environment': 'staging', 'digitalocean:region': 'fra1' });
  program = (await import('../src/index.js')) as unknown as Record<string, pulumi.Output<unknown>>;
  await value(program['registryEndpoint']!);
  await value(program['cdnEndpoint']!);
});

describe('the Pulumi program (src/index.ts)', () => {
  it('applies the stack config on top of the specification defaults', () => {
    const cluster = declared.find((r) => r.type.endsWith('KubernetesCluster'))!.inputs as Record<string, any>;
    expect(cluster['name']).toBe('tokkatot-staging');
    expect(cluster['region']).toBe('fra1');
    expect(cluster['nodePool']).toMatchObject({ minNodes: 3, maxNodes: 12, size: 's-2vcpu-4gb' });
  });

  it('exports the addresses operators need and keeps the kubeconfig secret', async () => {
    expect(await value(program['clusterName']!)).toBe('tokkatot-staging');
    expect(await value(program['apiLoadBalancerIp']!)).toMatch(/^203\.0\.113\.\d+$/);
    expect(pulumi.Output.isInstance(program['kubeconfig'])).toBe(true);
    expect(await pulumi.isSecret(program['kubeconfig']!)).toBe(true);
  });
});
