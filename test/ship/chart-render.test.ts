/**
 * charts/kanary rendered by the real helm CLI (`helm template`, built from the helm.sh/helm/v4 Go module): default and
 * namespaced values, exact least-privilege RBAC, Deployment flags accepted by the controller's own
 * flag parser, and clear messages for wrong values.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { parseControllerConfig } from '../../src/config/controller-config.js';
import { ChartRenderError, helm } from './helm.js';
import { chartDir, objectsOf, onlyObject, permissionTable, renderKanary, repoRoot, type Obj, type Rule } from './chart-fixture.js';

jest.setTimeout(120_000);

/** What `kanary controller` calls, read from src/ (see the comments in templates/_helpers.tpl). */
const NAMESPACED_PERMISSIONS: Record<string, string[]> = {
  'apps/deployments': ['list', 'patch', 'watch'],
  'apps/replicasets': ['create', 'delete', 'list', 'patch', 'watch'],
  'core/events': ['create', 'patch'],
  'core/pods': ['list', 'patch', 'watch'],
  'core/pods/eviction': ['create'],
  'core/services': ['list', 'patch', 'watch'],
  'discovery.k8s.io/endpointslices': ['list', 'watch'],
  'getambassador.io/mappings': ['create', 'delete', 'list', 'update', 'watch'],
  'kanary.dev/analysisruns': ['create', 'delete', 'list', 'patch', 'watch'],
  'kanary.dev/analysisruns/status': ['patch'],
  'kanary.dev/analysistemplates': ['list', 'watch'],
  'kanary.dev/rollouts': ['list', 'watch'],
  'kanary.dev/rollouts/finalizers': ['update'],
  'kanary.dev/rollouts/status': ['patch'],
};
const CLUSTER_ONLY_PERMISSIONS = { 'kanary.dev/clusteranalysistemplates': ['list', 'watch'] };

const sorted = (table: Record<string, string[]>) => Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));

function controllerContainer(manifests: Awaited<ReturnType<typeof renderKanary>>): Obj {
  return onlyObject(manifests, 'Deployment').spec.template.spec.containers[0];
}

function parsedArgs(container: Obj) {
  return parseControllerConfig({ argv: container.args, env: {}, hostname: 'pod', pid: 1 });
}

/** Every rule of every Role and ClusterRole that names Secrets, with the object it is in. */
function secretRules(manifests: Awaited<ReturnType<typeof renderKanary>>): Array<{ in: string; rule: Rule }> {
  return [...objectsOf(manifests, 'ClusterRole'), ...objectsOf(manifests, 'Role')].flatMap((role) =>
    (role.rules as Rule[])
      .filter((rule) => rule.resources.some((r) => r === 'secrets' || r.startsWith('secrets/') || r === '*'))
      .map((rule) => ({ in: `${role.kind}/${role.metadata.namespace ?? ''}/${role.metadata.name}`, rule })));
}

async function renderFailure(values: Record<string, unknown>): Promise<Error> {
  const failure = await renderKanary(values).then(() => undefined, (error: unknown) => error);
  expect(failure).toBeInstanceOf(ChartRenderError);
  return failure as Error;
}

describe('default values', () => {
  let manifests: Awaited<ReturnType<typeof renderKanary>>;
  beforeAll(async () => {
    manifests = await renderKanary();
  });

  test('renders the controller objects and no ServiceMonitor', () => {
    const kinds = manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/kanary',
      'ClusterRoleBinding/kanary',
      'Deployment/kanary',
      'Role/kanary-leader-election',
      'RoleBinding/kanary-leader-election',
      'Service/kanary-metrics',
      'ServiceAccount/kanary',
    ]);
  });

  test('no Role or ClusterRole grants anything on Secrets', () => {
    expect(secretRules(manifests)).toEqual([]);
  });

  test('the ClusterRole grants exactly the verbs the controller uses, no wildcards', () => {
    const rules = onlyObject(manifests, 'ClusterRole').rules as Rule[];
    expect(permissionTable(rules)).toEqual(sorted({ ...NAMESPACED_PERMISSIONS, ...CLUSTER_ONLY_PERMISSIONS }));
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.resourceNames).toBeUndefined();
    }
  });

  test('the bindings tie the ServiceAccount in the release namespace to the roles', () => {
    const subject = { kind: 'ServiceAccount', name: 'kanary', namespace: 'kanary-system' };
    const crb = onlyObject(manifests, 'ClusterRoleBinding');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kanary' });
    expect(crb.subjects).toEqual([subject]);
    const rb = onlyObject(manifests, 'RoleBinding');
    expect(rb.metadata.namespace).toBe('kanary-system');
    expect(rb.roleRef.name).toBe('kanary-leader-election');
    expect(rb.subjects).toEqual([subject]);
  });

  test('leader election: a Role in the release namespace, get/update only on the controller Lease, list to check shard counts', () => {
    const role = onlyObject(manifests, 'Role');
    expect(role.metadata.namespace).toBe('kanary-system');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'list'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['kanary-controller'], verbs: ['get', 'update'] },
    ]);
  });

  test('the Deployment flags are accepted by `kanary controller` and mean the chart defaults', () => {
    const config = parsedArgs(controllerContainer(manifests));
    expect(config).toMatchObject({
      namespaces: [],
      leaderElect: true,
      leaseName: 'kanary-controller',
      leaseNamespace: 'kanary-system',
      metricsAddr: { host: '', port: 8090 },
      probeAddr: { host: '', port: 8081 },
      metricsMeasuredValues: true,
      logLevel: 'info',
      prometheusAddress: 'http://prometheus.monitoring:9090',
      ambassadorApiVersion: 'auto',
      workers: 10,
      analysisWorkers: 10,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      mappingPropagationDelayMs: 5_000,
    });
  });

  test('probes hit /healthz and /readyz on the probes port; the metrics port and Service carry /metrics only', () => {
    const container = controllerContainer(manifests);
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 8090, protocol: 'TCP' },
      { name: 'probes', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(container.args).toContain('--metrics-addr=:8090');
    expect(container.args).toContain('--health-probe-addr=:8081');
    expect(container.args.filter((a: string) => a.startsWith('--metrics-measured-values'))).toEqual([]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'probes' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'probes' });
    const service = onlyObject(manifests, 'Service');
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 8090, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual(onlyObject(manifests, 'Deployment').spec.selector.matchLabels);
  });

  test('the pod meets the restricted Pod Security Standard with a read-only root filesystem', () => {
    const pod = onlyObject(manifests, 'Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe('kanary');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].env).toContainEqual({ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
  });

  test.each([
    [{}, '--max-old-space-size=384 --max-semi-space-size=2'],
    [{ resources: { limits: { memory: '1Gi' } } }, '--max-old-space-size=768 --max-semi-space-size=2'],
    [{ resources: { limits: { memory: '600M' } }, heapPercentOfMemoryLimit: 50, semiSpaceMiB: 8 }, '--max-old-space-size=286 --max-semi-space-size=8'],
    [{ resources: { limits: { memory: '268435456' } }, semiSpaceMiB: 0 }, '--max-old-space-size=192'],
    [{ resources: { limits: { memory: null } } }, '--max-semi-space-size=2'],
  ])('the V8 heap is bounded below the memory limit: %j -> %s', async (values, option) => {
    const env = controllerContainer(await renderKanary(values)).env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(option);
  });

  test('a controller that exits leaves its last log lines as the termination message (e.g. the heap guard\'s)', () => {
    expect(controllerContainer(manifests).terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  test('without a memory limit and semiSpaceMiB 0 no NODE_OPTIONS is set; extraEnv comes after it and may override it', async () => {
    const unlimited = controllerContainer(await renderKanary({ resources: { limits: { memory: null } }, semiSpaceMiB: 0 })).env as { name: string }[];
    expect(unlimited.some((e) => e.name === 'NODE_OPTIONS')).toBe(false);
    const env = controllerContainer(await renderKanary({ extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=100' }] })).env as { name: string; value?: string }[];
    expect(env.filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value)).toEqual(['--max-old-space-size=384 --max-semi-space-size=2', '--max-old-space-size=100']);
  });

  test('the image tag defaults to appVersion, which is the package version', () => {
    const chart = yaml.load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Obj;
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Obj;
    expect(chart.appVersion).toBe(pkg.version);
    expect(controllerContainer(manifests).image).toBe(`kanary/kanary:${pkg.version}`);
  });
});

describe('namespaced values (watchNamespaces)', () => {
  let manifests: Awaited<ReturnType<typeof renderKanary>>;
  beforeAll(async () => {
    manifests = await renderKanary({ watchNamespaces: ['team-a', 'team-b'] }, 'platform');
  });

  test('one Role and RoleBinding per watched namespace with the controller rules', () => {
    const roles = objectsOf(manifests, 'Role').filter((r) => r.metadata.name === 'kanary');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    for (const role of roles) expect(permissionTable(role.rules)).toEqual(sorted(NAMESPACED_PERMISSIONS));
    const bindings = objectsOf(manifests, 'RoleBinding').filter((r) => r.metadata.name === 'kanary');
    expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    for (const binding of bindings) {
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kanary' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kanary', namespace: 'platform' }]);
    }
  });

  test('the ClusterRole keeps only the cluster-scoped ClusterAnalysisTemplates', () => {
    expect(permissionTable(onlyObject(manifests, 'ClusterRole').rules)).toEqual(CLUSTER_ONLY_PERMISSIONS);
  });

  test('no Role or ClusterRole grants anything on Secrets', () => {
    expect(secretRules(manifests)).toEqual([]);
  });

  test('the controller watches exactly those namespaces and leases in the release namespace', () => {
    const config = parsedArgs(controllerContainer(manifests));
    expect(config.namespaces).toEqual(['team-a', 'team-b']);
    expect(config.leaseNamespace).toBe('platform');
    const leaseRole = objectsOf(manifests, 'Role').find((r) => r.metadata.name === 'kanary-leader-election');
    expect(leaseRole?.metadata.namespace).toBe('platform');
  });
});

describe('optional parts', () => {
  test('serviceMonitor.enabled renders a ServiceMonitor scraping the metrics port', async () => {
    const manifests = await renderKanary({ metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } } } });
    const monitor = onlyObject(manifests, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('prom');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(monitor.spec.selector.matchLabels).toEqual(onlyObject(manifests, 'Service').spec.selector);
  });

  test('leader election off: no Lease Role and --leader-elect=false', async () => {
    const manifests = await renderKanary({ leaderElection: { enabled: false } });
    expect(objectsOf(manifests, 'Role')).toEqual([]);
    expect(parsedArgs(controllerContainer(manifests)).leaderElect).toBe(false);
  });

  test('shards: 2 renders one Deployment per shard, each with its shard flags, selector and Lease', async () => {
    const manifests = await renderKanary({ shards: 2, replicas: 2 });
    const deployments = objectsOf(manifests, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['kanary-shard-0', 'kanary-shard-1']);
    deployments.forEach((deployment, index) => {
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.selector.matchLabels['kanary.dev/shard']).toBe(String(index));
      expect(deployment.spec.template.metadata.labels['kanary.dev/shard']).toBe(String(index));
      expect(parsedArgs(deployment.spec.template.spec.containers[0]).shard).toEqual({ shards: 2, index });
    });
    const service = onlyObject(manifests, 'Service');
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    }
    expect(onlyObject(manifests, 'Role').rules[1].resourceNames).toEqual(['kanary-controller-shard-0', 'kanary-controller-shard-1']);
  });

  test('one shard (the default): one Deployment named as before, no shard flags or label', async () => {
    const deployment = onlyObject(await renderKanary(), 'Deployment');
    expect(deployment.metadata.name).toBe('kanary');
    expect(deployment.spec.selector.matchLabels['kanary.dev/shard']).toBeUndefined();
    expect(parsedArgs(deployment.spec.template.spec.containers[0]).shard).toEqual({ shards: 1, index: 0 });
  });

  test('rbac.create false and an existing ServiceAccount: no RBAC objects, the named account', async () => {
    const manifests = await renderKanary({ rbac: { create: false }, serviceAccount: { create: false, name: 'ops-kanary' } });
    expect(manifests.map((m) => m.object.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(onlyObject(manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe('ops-kanary');
  });
});

describe('rbac.analysisSecrets', () => {
  const names = ['analysis-token', 'prometheus-auth'];
  const secretRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: names };

  test('enabled without resourceNames is refused by Helm\'s schema check', async () => {
    const failure = await renderFailure({ rbac: { analysisSecrets: { enabled: true } } });
    expect(failure.message).toContain("values don't meet the specifications of the schema");
    expect(failure.message).toContain("at '/rbac/analysisSecrets/resourceNames': minItems: got 0, want 1");
  });

  test('an empty name is refused by the schema', async () => {
    const failure = await renderFailure({ rbac: { analysisSecrets: { enabled: true, resourceNames: [''] } } });
    expect(failure.message).toContain("at '/rbac/analysisSecrets/resourceNames/0'");
  });

  test('with the schema check skipped, the template still refuses a rule without names', async () => {
    const result = await helm(['template', 'kanary', chartDir, '--skip-schema-validation', '--set', 'rbac.analysisSecrets.enabled=true']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rbac.analysisSecrets.enabled needs rbac.analysisSecrets.resourceNames');
  });

  test('namespaced mode: get on the named Secrets in each watched namespace\'s Role only', async () => {
    const manifests = await renderKanary({ watchNamespaces: ['team-a', 'team-b'], rbac: { analysisSecrets: { enabled: true, resourceNames: names } } }, 'platform');
    expect(secretRules(manifests)).toEqual([
      { in: 'Role/team-a/kanary', rule: secretRule },
      { in: 'Role/team-b/kanary', rule: secretRule },
    ]);
    for (const role of objectsOf(manifests, 'Role').filter((r) => r.metadata.name === 'kanary')) {
      expect(permissionTable(role.rules)).toEqual(sorted({ ...NAMESPACED_PERMISSIONS, 'core/secrets': ['get'] }));
    }
  });

  test('cluster-wide mode: the rule is in the ClusterRole (every namespace is watched), still by name', async () => {
    const manifests = await renderKanary({ rbac: { analysisSecrets: { enabled: true, resourceNames: names } } });
    expect(secretRules(manifests)).toEqual([{ in: 'ClusterRole//kanary', rule: secretRule }]);
  });

  test('resourceNames without enabled grants nothing', async () => {
    const manifests = await renderKanary({ rbac: { analysisSecrets: { resourceNames: names } } });
    expect(secretRules(manifests)).toEqual([]);
  });
});

describe('probes and metrics endpoints', () => {
  test('probes.port moves the probes port and --health-probe-addr, not /metrics', async () => {
    const manifests = await renderKanary({ probes: { port: 9440 } });
    const container = controllerContainer(manifests);
    expect(container.ports).toContainEqual({ name: 'probes', containerPort: 9440, protocol: 'TCP' });
    expect(container.livenessProbe.httpGet.port).toBe('probes');
    expect(parsedArgs(container)).toMatchObject({ probeAddr: { host: '', port: 9440 }, metricsAddr: { host: '', port: 8090 } });
  });

  test('the same port for probes and metrics fails', async () => {
    const failure = await renderFailure({ probes: { port: 8090 } });
    expect(failure.message).toContain('metrics.port and probes.port must differ (both are 8090)');
  });

  test('metrics.bindAddress 127.0.0.1: /metrics on loopback only and no metrics Service', async () => {
    const manifests = await renderKanary({ metrics: { bindAddress: '127.0.0.1' } });
    const container = controllerContainer(manifests);
    expect(container.args).toContain('--metrics-addr=127.0.0.1:8090');
    expect(container.args).toContain('--health-probe-addr=:8081');
    expect(parsedArgs(container).metricsAddr).toEqual({ host: '127.0.0.1', port: 8090 });
    expect(objectsOf(manifests, 'Service')).toEqual([]);
    expect(objectsOf(manifests, 'ServiceMonitor')).toEqual([]);
  });

  test.each(['::1', '[::1]'])('metrics.bindAddress %s: an IPv6 address in brackets', async (bindAddress) => {
    const container = controllerContainer(await renderKanary({ metrics: { bindAddress } }));
    expect(container.args).toContain('--metrics-addr=[::1]:8090');
    expect(parsedArgs(container).metricsAddr).toEqual({ host: '::1', port: 8090 });
  });

  test('metrics.bindAddress 0.0.0.0 is every interface: the Service stays', async () => {
    const manifests = await renderKanary({ metrics: { bindAddress: '0.0.0.0' } });
    expect(controllerContainer(manifests).args).toContain('--metrics-addr=0.0.0.0:8090');
    expect(onlyObject(manifests, 'Service').spec.ports).toEqual([{ name: 'metrics', port: 8090, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  test('a ServiceMonitor for loopback-bound metrics fails with a clear message', async () => {
    const failure = await renderFailure({ metrics: { bindAddress: '127.0.0.1', serviceMonitor: { enabled: true } } });
    expect(failure.message).toContain('metrics.serviceMonitor.enabled cannot scrape /metrics bound to metrics.bindAddress 127.0.0.1');
  });

  test('metrics.measuredValues false passes --metrics-measured-values=false', async () => {
    const container = controllerContainer(await renderKanary({ metrics: { measuredValues: false } }));
    expect(container.args.filter((a: string) => a.startsWith('--metrics-measured-values'))).toEqual(['--metrics-measured-values=false']);
    expect(parsedArgs(container).metricsMeasuredValues).toBe(false);
  });
});

describe('networkPolicy', () => {
  const monitoring = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  };
  const scraper = { ipBlock: { cidr: '10.0.0.0/24', except: ['10.0.0.5/32'] } };

  test('off by default', async () => {
    expect(objectsOf(await renderKanary(), 'NetworkPolicy')).toEqual([]);
  });

  test('ingress only to the metrics port from metricsFrom and to the probes port; egress untouched', async () => {
    const manifests = await renderKanary({ networkPolicy: { enabled: true, metricsFrom: [monitoring, scraper] } }, 'platform');
    const policy = onlyObject(manifests, 'NetworkPolicy');
    expect(policy.apiVersion).toBe('networking.k8s.io/v1');
    expect(policy.metadata.namespace).toBe('platform');
    expect(policy.spec.podSelector).toEqual({ matchLabels: onlyObject(manifests, 'Deployment').spec.selector.matchLabels });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.egress).toBeUndefined();
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 8081, protocol: 'TCP' }] },
      { from: [monitoring, scraper], ports: [{ port: 8090, protocol: 'TCP' }] },
    ]);
  });

  test('follows custom ports', async () => {
    const policy = onlyObject(await renderKanary({ probes: { port: 9440 }, metrics: { port: 9100 }, networkPolicy: { enabled: true, metricsFrom: [monitoring] } }), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 9440, protocol: 'TCP' }] },
      { from: [monitoring], ports: [{ port: 9100, protocol: 'TCP' }] },
    ]);
  });

  test('empty metricsFrom: no metrics ingress at all, probes only', async () => {
    const policy = onlyObject(await renderKanary({ networkPolicy: { enabled: true } }), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 8081, protocol: 'TCP' }] }]);
  });
});

describe('helm lint', () => {
  test.each<[string, string[]]>([
    ['default values', []],
    ['every new option on', [
      '--set', 'watchNamespaces={team-a}',
      '--set', 'rbac.analysisSecrets.enabled=true',
      '--set', 'rbac.analysisSecrets.resourceNames={analysis-token}',
      '--set', 'metrics.bindAddress=127.0.0.1',
      '--set', 'metrics.measuredValues=false',
      '--set', 'networkPolicy.enabled=true',
      '--set-json', 'networkPolicy.metricsFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}]',
    ]],
  ])('--strict passes with %s', async (_name, args) => {
    const result = await helm(['lint', chartDir, '--strict', ...args]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

describe('bad values fail with a clear message', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['wrong type', { replicas: 'two' }, "at '/replicas': got string, want integer"],
    ['not a list', { watchNamespaces: 'team-a' }, "at '/watchNamespaces': got string, want array"],
    ['nested wrong type', { leaderElection: { enabled: 'yes' } }, "at '/leaderElection/enabled': got string, want boolean"],
    ['unknown value', { logLevel: 'verbose' }, "at '/logLevel': value must be one of 'debug', 'info', 'warn', 'error'"],
    ['typo in a key', { replica: 2 }, "additional properties 'replica' not allowed"],
    ['port out of range', { metrics: { port: 70000 } }, "at '/metrics/port': maximum: got 70,000, want 65,535"],
    ['bad namespace name', { watchNamespaces: ['Team_A'] }, "at '/watchNamespaces/0': 'Team_A' does not match pattern"],
    ['bad duration', { leaderElection: { leaseDuration: 'fifteen' } }, "at '/leaderElection/leaseDuration': 'fifteen' does not match pattern"],
    ['replicas without a lease', { replicas: 2, leaderElection: { enabled: false } }, 'replicas > 1 needs leaderElection.enabled: true'],
    ['shards without a lease', { shards: 2, leaderElection: { enabled: false } }, 'shards > 1 needs leaderElection.enabled: true'],
    ['no shards', { shards: 0 }, "at '/shards': minimum: got 0, want 1"],
    ['too many shards', { shards: 65 }, "at '/shards': maximum: got 65, want 64"],
    ['no ServiceAccount name', { serviceAccount: { create: false } }, 'serviceAccount.name is required when serviceAccount.create is false'],
    ['probes port out of range', { probes: { port: 0 } }, "at '/probes/port': minimum: got 0, want 1"],
    ['typo under probes', { probes: { prot: 8081 } }, "additional properties 'prot' not allowed"],
    ['measuredValues not a boolean', { metrics: { measuredValues: 'no' } }, "at '/metrics/measuredValues': got string, want boolean"],
    ['bindAddress with a port', { metrics: { bindAddress: '127.0.0.1:9000' } }, "at '/metrics/bindAddress'"],
    ['bindAddress IPv6 with a port', { metrics: { bindAddress: '[::1]:9000' } }, "at '/metrics/bindAddress'"],
    ['bindAddress unbalanced bracket', { metrics: { bindAddress: '[::1' } }, "at '/metrics/bindAddress'"],
    ['networkPolicy.enabled not a boolean', { networkPolicy: { enabled: 'true' } }, "at '/networkPolicy/enabled': got string, want boolean"],
    ['metricsFrom not a list', { networkPolicy: { metricsFrom: { namespaceSelector: {} } } }, "at '/networkPolicy/metricsFrom': got object, want array"],
    ['metricsFrom peer with an unknown key', { networkPolicy: { metricsFrom: [{ namespaceSelectors: {} }] } }, "additional properties 'namespaceSelectors' not allowed"],
    ['metricsFrom ipBlock without cidr', { networkPolicy: { metricsFrom: [{ ipBlock: {} }] } }, "at '/networkPolicy/metricsFrom/0/ipBlock': missing property 'cidr'"],
  ])('%s', async (_name, values, message) => {
    const failure = await renderKanary(values).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ChartRenderError);
    expect((failure as Error).message).toContain(message);
  });
});
