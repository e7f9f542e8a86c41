import * as yaml from 'js-yaml';
import { renderKubeconfig } from '../../../src/sandbox/cluster/kubeconfig-yaml.js';
import { defaultStateDir, kubernetesBinDir } from '../../../src/sandbox/cluster/cluster-paths.js';

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
    [{ KANARY_CACHE: '/c' }, '/c/kubernetes-v1.20.2/bin'],
    [{ XDG_CACHE_HOME: '/x' }, '/x/kanary/kubernetes-v1.20.2/bin'],
    [{}, '/home/u/.cache/kanary/kubernetes-v1.20.2/bin'],
  ])('kubernetesBinDir(%j) = %s', (env, expected) => {
    expect(kubernetesBinDir(env, '/home/u')).toBe(expected);
  });
});
