/**
 * The deployment specification's Kubernetes requirements as checks over parsed manifests. Pure,
 * so tests can show that each check fails when its setting is removed.
 */
export type Manifest = Record<string, any>;

/** The specification's schedules, by CronJob name (and the hourly firmware catalogue import). */
export const REQUIRED_CRONJOBS: Record<string, string> = {
  'schedule-executor': '*/5 * * * *',
  'data-archival': '0 2 * * *',
  'postgres-backup': '0 2 * * *',
  'influxdb-backup': '30 2 * * *',
  'firmware-release-import': '15 * * * *',
};

const REQUIRED_KINDS = ['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'Role', 'RoleBinding', 'ServiceAccount', 'ConfigMap'];

function podSpecOf(doc: Manifest): Manifest | undefined {
  if (doc['kind'] === 'CronJob') return doc['spec']?.jobTemplate?.spec?.template?.spec;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(doc['kind'])) return doc['spec']?.template?.spec;
  return undefined;
}

/** Every way the manifests fall short; empty when compliant. */
export function findManifestViolations(docs: Manifest[]): string[] {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const named = (kind: string, name: string) => docs.find((d) => d['kind'] === kind && d['metadata']?.name === name);

  for (const doc of docs) {
    const id = `${String(doc['kind'])}/${String(doc['metadata']?.name)}`;
    if (!doc['apiVersion'] || !doc['kind'] || !doc['metadata']?.name) fail(`a manifest lacks apiVersion, kind or metadata.name: ${id}`);
    // Secret values are created out of band, never committed.
    if (doc['kind'] === 'Secret') fail(`${id} commits a Secret; reference it instead`);
    const pod = podSpecOf(doc);
    if (!pod) continue;
    // The namespace enforces Pod Security "restricted"; fail here, before the API server would.
    if (pod['securityContext']?.runAsNonRoot !== true) fail(`${id} does not require a non-root user`);
    if (pod['securityContext']?.seccompProfile?.type !== 'RuntimeDefault') fail(`${id} has no RuntimeDefault seccomp profile`);
    for (const container of [...(pod['initContainers'] ?? []), ...(pod['containers'] ?? [])]) {
      const resources = container['resources'] ?? {};
      if (!resources.requests?.cpu || !resources.requests?.memory || !resources.limits?.cpu || !resources.limits?.memory) {
        fail(`${id} container ${String(container['name'])} lacks CPU/memory requests and limits`);
      }
      if (container['securityContext']?.allowPrivilegeEscalation !== false) fail(`${id} container ${String(container['name'])} allows privilege escalation`);
      if (!(container['securityContext']?.capabilities?.drop ?? []).includes('ALL')) fail(`${id} container ${String(container['name'])} keeps Linux capabilities`);
      // Node (tsx) needs a writable temp folder even when the image is read-only.
      const mountsTmp = (container['volumeMounts'] ?? []).some((m: Manifest) => m['mountPath'] === '/tmp');
      if (container['securityContext']?.readOnlyRootFilesystem === true && !mountsTmp) fail(`${id} container ${String(container['name'])} has a read-only root but no writable /tmp`);
      for (const env of container['env'] ?? []) {
        if (/SECRET|PASSWORD|_URL$|TOKEN|KEY/.test(String(env['name'])) && env['value'] !== undefined && !/^(s3|https?):\/\/[^@]*$/.test(String(env['value']))) {
          fail(`${id} sets ${String(env['name'])} inline; take it from a Secret`);
        }
      }
    }
  }

  for (const kind of REQUIRED_KINDS) if (!docs.some((d) => d['kind'] === kind)) fail(`no ${kind} is declared`);

  const api = named('Deployment', 'api-server');
  if (!api) fail('Deployment api-server is missing');
  else {
    if (api['spec']?.replicas !== 3) fail(`api-server runs ${String(api['spec']?.replicas)} replicas, expected 3`);
    const container = podSpecOf(api)?.['containers']?.[0] ?? {};
    const r = container['resources'] ?? {};
    if (r.requests?.cpu !== '500m' || r.limits?.cpu !== '1000m') fail('api-server CPU is not 500m request / 1000m limit');
    if (r.requests?.memory !== '512Mi' || r.limits?.memory !== '1Gi') fail('api-server memory is not 512Mi request / 1Gi limit');
    const live = container['livenessProbe'];
    if (live?.httpGet?.path !== '/health' || live?.periodSeconds !== 10) fail('api-server liveness probe is not HTTP /health every 10 s');
    const ready = container['readinessProbe'];
    if (ready?.httpGet?.path !== '/ready' || ready?.periodSeconds !== 5) fail('api-server readiness probe is not HTTP /ready every 5 s');
    const envNames = new Set((container['env'] ?? []).filter((e: Manifest) => e['valueFrom']?.secretKeyRef).map((e: Manifest) => e['name']));
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']) if (!envNames.has(name)) fail(`api-server does not take ${name} from a Secret`);
  }

  const hpa = docs.find((d) => d['kind'] === 'HorizontalPodAutoscaler' && d['spec']?.scaleTargetRef?.name === 'api-server');
  if (!hpa) fail('api-server has no HorizontalPodAutoscaler');
  else if (hpa['spec']?.minReplicas < 3) fail('the HorizontalPodAutoscaler lets api-server drop below 3 replicas');

  for (const [name, schedule] of Object.entries(REQUIRED_CRONJOBS)) {
    const job = named('CronJob', name);
    if (!job) fail(`CronJob ${name} is missing`);
    else {
      if (job['spec']?.schedule !== schedule) fail(`CronJob ${name} runs on "${String(job['spec']?.schedule)}", expected "${schedule}"`);
      if (job['spec']?.concurrencyPolicy !== 'Forbid') fail(`CronJob ${name} may overlap itself`);
    }
  }

  // Rate limit and certificates of the specification live on the ingress (the DigitalOcean load
  // balancer has no per-IP limit).
  const ingress = docs.find((d) => d['kind'] === 'Ingress');
  const annotations = ingress?.['metadata']?.annotations ?? {};
  if (annotations['nginx.ingress.kubernetes.io/limit-rpm'] !== '1000') fail('the ingress does not limit clients to 1000 requests/min');
  if (!annotations['cert-manager.io/cluster-issuer'] || !docs.some((d) => d['kind'] === 'ClusterIssuer' && d['metadata']?.name === annotations['cert-manager.io/cluster-issuer'])) {
    fail("the ingress does not get its certificate from a cert-manager ClusterIssuer");
  }

  const defaultDeny = docs.some((d) => d['kind'] === 'NetworkPolicy' && Object.keys(d['spec']?.podSelector ?? { x: 1 }).length === 0 && (d['spec']?.policyTypes ?? []).includes('Ingress') && !d['spec']?.ingress);
  if (!defaultDeny) fail('no default-deny ingress NetworkPolicy');
  return violations;
}
