import { beforeAll, describe, expect, it } from 'vitest';
import { findManifestViolations, type Manifest } from '../src/manifest-checks.js';
import { filesIn, INFRA, readYamlDocuments } from './yaml-files.js';

let manifests: Manifest[];
let kustomization: Manifest;

beforeAll(() => {
  kustomization = readYamlDocuments(new URL('k8s/kustomization.yaml', INFRA))[0]!;
  manifests = (kustomization['resources'] as string[]).flatMap((file) => readYamlDocuments(new URL(`k8s/${file}`, INFRA)));
});

const find = (docs: Manifest[], kind: string, name: string) => docs.find((d) => d['kind'] === kind && d['metadata'].name === name)!;
const apiContainer = (docs: Manifest[]) => find(docs, 'Deployment', 'api-server')['spec'].template.spec.containers[0];

describe('the Kubernetes manifests', () => {
  it('are all listed in the kustomization, so `kubectl apply -k` deploys every file', () => {
    expect([...(kustomization['resources'] as string[])].sort()).toEqual(filesIn('k8s', '.yaml').filter((f) => f !== 'kustomization.yaml'));
  });

  it('meet every check of the deployment specification', () => {
    expect(manifests.length).toBeGreaterThan(20);
    expect(findManifestViolations(manifests)).toEqual([]);
  });

  it('run the API with 3 replicas, the specified resources and the /health and /ready probes', () => {
    const container = apiContainer(manifests);
    expect(find(manifests, 'Deployment', 'api-server')['spec'].replicas).toBe(3);
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health' }, periodSeconds: 10 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/ready' }, periodSeconds: 5 });
  });

  it('commit no Secret and no secret value', () => {
    expect(manifests.filter((d) => d['kind'] === 'Secret')).toEqual([]);
    expect(JSON.stringify(manifests)).not.toMatch(/password|BEGIN [A-Z ]*PRIVATE KEY/i);
  });
});

describe('findManifestViolations', () => {
  const mutations: Array<[string, (docs: Manifest[]) => void, string]> = [
    ['a replica', (d) => void (find(d, 'Deployment', 'api-server')['spec'].replicas = 2), 'api-server runs 2 replicas, expected 3'],
    ['the readiness probe', (d) => void delete apiContainer(d).readinessProbe, 'api-server readiness probe is not HTTP /ready every 5 s'],
    ['the liveness interval', (d) => void (apiContainer(d).livenessProbe.periodSeconds = 30), 'api-server liveness probe is not HTTP /health every 10 s'],
    ['the memory limit', (d) => void delete apiContainer(d).resources.limits.memory, 'api-server memory is not 512Mi request / 1Gi limit'],
    ['the schedule CronJob', (d) => void d.splice(d.indexOf(find(d, 'CronJob', 'schedule-executor')), 1), 'CronJob schedule-executor is missing'],
    ['the archival time', (d) => void (find(d, 'CronJob', 'data-archival')['spec'].schedule = '0 3 * * *'), 'CronJob data-archival runs on "0 3 * * *", expected "0 2 * * *"'],
    ['the default-deny policy', (d) => void d.splice(d.indexOf(find(d, 'NetworkPolicy', 'default-deny-ingress')), 1), 'no default-deny ingress NetworkPolicy'],
    ['the RoleBinding', (d) => void d.splice(d.indexOf(find(d, 'RoleBinding', 'deployer')), 1), 'no RoleBinding is declared'],
    ['the HPA floor', (d) => void (find(d, 'HorizontalPodAutoscaler', 'api-server')['spec'].minReplicas = 1), 'the HorizontalPodAutoscaler lets api-server drop below 3 replicas'],
    ['the Secret reference', (d) => void (apiContainer(d).env = [{ name: 'JWT_SECRET', value: 'hunter2' }]), 'Deployment/api-server sets JWT_SECRET inline; take it from a Secret'],
    ['the /tmp volume', (d) => void delete apiContainer(d).volumeMounts, 'Deployment/api-server container api-server has a read-only root but no writable /tmp'],
    ['dropping capabilities', (d) => void delete find(d, 'Deployment', 'mqtt-broker')['spec'].template.spec.containers[0].securityContext.capabilities, 'Deployment/mqtt-broker container mosquitto keeps Linux capabilities'],
    ['the seccomp profile', (d) => void delete find(d, 'CronJob', 'data-archival')['spec'].jobTemplate.spec.template.spec.securityContext.seccompProfile, 'CronJob/data-archival has no RuntimeDefault seccomp profile'],
    ['the rate limit', (d) => void delete find(d, 'Ingress', 'api-server')['metadata'].annotations['nginx.ingress.kubernetes.io/limit-rpm'], 'the ingress does not limit clients to 1000 requests/min'],
    ['the certificate issuer', (d) => void d.splice(d.indexOf(find(d, 'ClusterIssuer', 'letsencrypt')), 1), 'the ingress does not get its certificate from a cert-manager ClusterIssuer'],
    ['non-root', (d) => void delete find(d, 'StatefulSet', 'influxdb')['spec'].template.spec.securityContext.runAsNonRoot, 'StatefulSet/influxdb does not require a non-root user'],
  ];

  it.each(mutations)('fails when %s is removed', (_what, change, expected) => {
    const copy = structuredClone(manifests);
    change(copy);
    expect(findManifestViolations(copy)).toContain(expected);
  });

  it('rejects a committed Secret', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak' }, stringData: { JWT_SECRET: 'x' } };
    expect(findManifestViolations([...manifests, secret])).toContain('Secret/leak commits a Secret; reference it instead');
  });
});
