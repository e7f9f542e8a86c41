import * as yaml from 'js-yaml';
import { renderKubeconfig } from '../../../src/sandbox/cluster/kubeconfig-yaml.js';
import { defaultStateDir, etcdBinDir, kubernetesBinDir, resolveKubernetesVersion } from '../../../src/sandbox/cluster/cluster-paths.js';

test('renderKubeconfig embeds the PEMs and selects its context', () => {
  const text = renderKubeconfig({ server: 'https://127.0.0.1:1234', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY', name: 'local' });
  const doc = yaml.load(text) as {
    clusters: { cluster: Record<string, string> }[];
    users: { user: Record<string, string> }[];
    'current-context': string;
  };
  const decode = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString();
  expect(doc.clusters[0]?.cluster.server).toBe('https://127.0.0.1:1234');
  expect(decode(doc.clusters[0]?.cluster['certificate-authority-data'])).toBe('CA');
  expect(decode(doc.users[0]?.user['client-certificate-data'])).toBe('CERT');
  expect(decode(doc.users[0]?.user['client-key-data'])).toBe('KEY');
  expect(doc['current-context']).toBe('local');
});

describe('cluster paths', () => {
  test.each([
    [{ KANARY_HOME: '/k' }, '/k/cluster'],
    [{}, '/home/u/.kanary/cluster'],
  ])('defaultStateDir(%j) = %s', (env, expected) => {
    expect(defaultStateDir(env, '/home/u')).toBe(expected);
  });

  test.each([
    [{ KANARY_CACHE: '/c' }, '/c/kubernetes-v1.37.2/bin'],
    [{ XDG_CACHE_HOME: '/x' }, '/x/kanary/kubernetes-v1.37.2/bin'],
    [{}, '/home/u/.cache/kanary/kubernetes-v1.37.2/bin'],
    [{ KANARY_KUBERNETES_VERSION: '1.35' }, '/home/u/.cache/kanary/kubernetes-v1.35.4/bin'],
  ])('kubernetesBinDir(%j) = %s', (env, expected) => {
    expect(kubernetesBinDir(env, '/home/u')).toBe(expected);
  });

  test.each([
    ['1.37', 'v1.37.2'],
    ['v1.35', 'v1.35.4'],
    ['1.35.4', 'v1.35.4'],
  ])('--kubernetes-version %s is %s', (requested, full) => {
    expect(resolveKubernetesVersion(requested)).toBe(full);
  });

  test.each(['1.20', '1.36', '1.35.1', 'latest', ''])('--kubernetes-version "%s" is refused naming the offered versions', (requested) => {
    expect(() => resolveKubernetesVersion(requested)).toThrow('offered versions: 1.37, 1.35');
  });

  test('etcd has its own cache folder', () => {
    expect(etcdBinDir({ KANARY_CACHE: '/c' }, '/h')).toBe('/c/etcd-v3.6.17/bin');
  });
});
