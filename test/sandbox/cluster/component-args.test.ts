import { clusterPaths } from '../../../src/sandbox/cluster/cluster-paths.js';
import {
  CONTROLLERS,
  admissionConfiguration,
  apiserverArgs,
  auditPolicy,
  apiserverUrl,
  controllerManagerArgs,
  etcdArgs,
} from '../../../src/sandbox/cluster/component-args.js';

const input = { paths: clusterPaths('/tmp/c'), ports: { etcdClient: 4001, etcdPeer: 4002, apiserver: 4003 } };

function flags(args: string[]): Map<string, string> {
  return new Map(args.map((a) => {
    const [key = '', ...rest] = a.split('=');
    return [key, rest.join('=')];
  }));
}

describe('etcdArgs', () => {
  test.each([
    ['--data-dir', '/tmp/c/etcd'],
    ['--listen-client-urls', 'http://127.0.0.1:4001'],
    ['--advertise-client-urls', 'http://127.0.0.1:4001'],
    ['--listen-peer-urls', 'http://127.0.0.1:4002'],
    ['--initial-cluster', 'kanary=http://127.0.0.1:4002'],
  ])('%s=%s', (flag, value) => {
    expect(flags(etcdArgs(input)).get(flag)).toBe(value);
  });
});

describe('apiserverArgs', () => {
  test.each([
    ['--etcd-servers', 'http://127.0.0.1:4001'],
    ['--secure-port', '4003'],
    ['--bind-address', '127.0.0.1'],
    ['--authorization-mode', 'Node,RBAC'],
    ['--allow-privileged', 'true'],
    ['--endpoint-reconciler-type', 'none'],
    ['--enable-admission-plugins', 'NodeRestriction,OwnerReferencesPermissionEnforcement,PodSecurity,ResourceQuota,LimitRanger,ServiceAccount'],
    ['--admission-control-config-file', '/tmp/c/admission.json'],
    ['--client-ca-file', '/tmp/c/pki/ca.crt'],
    ['--kubelet-client-certificate', '/tmp/c/pki/admin.crt'],
    ['--kubelet-client-key', '/tmp/c/pki/admin.key'],
    ['--tls-cert-file', '/tmp/c/pki/apiserver.crt'],
    ['--service-account-key-file', '/tmp/c/pki/sa.pub'],
    ['--service-account-signing-key-file', '/tmp/c/pki/sa.key'],
    ['--service-cluster-ip-range', '10.0.0.0/24'],
    ['--audit-policy-file', '/tmp/c/audit-policy.json'],
    ['--audit-log-path', '/tmp/c/logs/audit.log'],
    ['--audit-log-format', 'json'],
    ['--audit-log-maxsize', '10'],
    ['--audit-log-maxbackup', '3'],
  ])('%s=%s', (flag, value) => {
    expect(flags(apiserverArgs(input)).get(flag)).toBe(value);
  });

  test('every listening address is loopback', () => {
    const listening = [...etcdArgs(input), ...apiserverArgs(input)].filter((a) => /^--(listen|advertise|initial-advertise|etcd-servers|bind)/.test(a));
    const hosts = listening.flatMap((a) => a.match(/(\/\/|=)(\d+\.\d+\.\d+\.\d+)/g) ?? []).map((h) => h.replace(/^(\/\/|=)/, ''));
    expect(listening).toHaveLength(7);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
    expect(apiserverUrl(input.ports)).toBe('https://127.0.0.1:4003');
  });
});

describe('controllerManagerArgs', () => {
  const args = flags(controllerManagerArgs(input));

  test('runs exactly the required controllers, endpointslice but not endpoint', () => {
    const controllers = (args.get('--controllers') ?? '').split(',');
    expect(controllers.sort()).toEqual(
      ['deployment', 'endpointslice', 'garbagecollector', 'job', 'namespace', 'replicaset', 'resourcequota', 'root-ca-cert-publisher', 'serviceaccount', 'serviceaccount-token'],
    );
    expect(controllers).not.toContain('endpoint');
    expect(CONTROLLERS).toHaveLength(10);
  });

  test.each([
    ['--kubeconfig', '/tmp/c/controller-manager.kubeconfig'],
    ['--service-account-private-key-file', '/tmp/c/pki/sa.key'],
    ['--root-ca-file', '/tmp/c/pki/ca.crt'],
    ['--leader-elect', 'false'],
    ['--secure-port', '0'],
  ])('%s=%s', (flag, value) => {
    expect(args.get(flag)).toBe(value);
  });
});

test('Pod Security admission enforces baseline unless a namespace says otherwise', () => {
  const config = admissionConfiguration() as { plugins: { name: string; configuration: { defaults: Record<string, string> } }[] };
  expect(config.plugins.map((p) => p.name)).toEqual(['PodSecurity']);
  expect(config.plugins[0]?.configuration.defaults).toMatchObject({ enforce: 'baseline', 'enforce-version': 'latest' });
});

test('the audit policy records ServiceAccounts\' requests at Metadata, once complete, and nothing else', () => {
  expect(auditPolicy()).toEqual({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived', 'ResponseStarted'],
    rules: [{ level: 'Metadata', userGroups: ['system:serviceaccounts'] }, { level: 'None' }],
  });
});
