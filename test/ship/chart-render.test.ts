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
import { ChartRenderError } from './helm.js';
import { chartDir, objectsOf, onlyObject, permissionTable, renderKanary, repoRoot, type Obj, type Rule } from './chart-fixture.js';

jest.setTimeout(120_000);

/** What `kanary controller` calls, read from src/ (see the comments in templates/_helpers.tpl). */
const NAMESPACED_PERMISSIONS: Record<string, string[]> = {
  'apps/replicasets': ['create', 'delete', 'list', 'patch', 'watch'],
  'core/events': ['create', 'patch'],
  'core/pods': ['list', 'watch'],
  'core/secrets': ['get'],
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

  test('leader election: a Role in the release namespace, get/update only on the controller Lease', () => {
    const role = onlyObject(manifests, 'Role');
    expect(role.metadata.namespace).toBe('kanary-system');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
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

  test('probes hit /healthz and /readyz on the metrics port the controller listens on', () => {
    const container = controllerContainer(manifests);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8090, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    const service = onlyObject(manifests, 'Service');
    expect(service.spec.ports[0]).toMatchObject({ port: 8090, targetPort: 'metrics' });
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

  test.each([
    [{ enabled: false }, undefined],
    [{ enabled: true, resourceNames: ['analysis-token'] }, ['analysis-token']],
  ])('analysisSecrets %j: secrets rule %j', async (analysisSecrets, resourceNames) => {
    const manifests = await renderKanary({ rbac: { analysisSecrets } });
    const secretRules = (onlyObject(manifests, 'ClusterRole').rules as Rule[]).filter((r) => r.resources.includes('secrets'));
    if (resourceNames === undefined) expect(secretRules).toEqual([]);
    else expect(secretRules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames }]);
  });

  test('leader election off: no Lease Role and --leader-elect=false', async () => {
    const manifests = await renderKanary({ leaderElection: { enabled: false } });
    expect(objectsOf(manifests, 'Role')).toEqual([]);
    expect(parsedArgs(controllerContainer(manifests)).leaderElect).toBe(false);
  });

  test('rbac.create false and an existing ServiceAccount: no RBAC objects, the named account', async () => {
    const manifests = await renderKanary({ rbac: { create: false }, serviceAccount: { create: false, name: 'ops-kanary' } });
    expect(manifests.map((m) => m.object.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(onlyObject(manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe('ops-kanary');
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
    ['no ServiceAccount name', { serviceAccount: { create: false } }, 'serviceAccount.name is required when serviceAccount.create is false'],
  ])('%s', async (_name, values, message) => {
    const failure = await renderKanary(values).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ChartRenderError);
    expect((failure as Error).message).toContain(message);
  });
});
