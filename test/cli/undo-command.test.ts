import type * as k8s from '@kubernetes/client-node';
import type { CliIo } from '../../src/cli/command.js';
import { UserError } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { listRevisions, pickRevision, restoreTemplate, stripServerDefaults } from '../../src/cli/undo-command.js';
import { computePodTemplateHash } from '../../src/core/pod-template-hash.js';

function capture(): { io: CliIo; err: string[] } {
  const err: string[] = [];
  return { io: { stdout: () => undefined, stderr: (t) => err.push(t), env: { KUBECONFIG: '/nonexistent/kubeconfig' }, isTty: false }, err };
}

const original = { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'app', image: 'demo:1', ports: [{ containerPort: 8080 }] }] } };
const hash = computePodTemplateHash(original);

/** What kube-apiserver stores in a ReplicaSet made from `original`. */
const defaulted = {
  metadata: { creationTimestamp: null, labels: { app: 'demo', 'rollouts-pod-template-hash': hash } },
  spec: {
    containers: [{
      name: 'app', image: 'demo:1', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {},
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
    }],
    restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler',
  },
};

function rs(revision: number, h: string): k8s.V1ReplicaSet {
  return { metadata: { name: `demo-${h}`, labels: { 'rollouts-pod-template-hash': h }, annotations: { 'kanary.dev/revision': String(revision) } }, spec: { selector: {}, template: {} } };
}

describe('kanary undo: arguments', () => {
  test.each([
    [['undo'], 'kanary: usage: kanary undo NAME [--to-revision N] [-n NS]\n'],
    [['undo', 'a', 'b'], 'kanary: usage: kanary undo NAME [--to-revision N] [-n NS]\n'],
    [['undo', 'demo', '--to-revision', 'two'], 'kanary: undo: --to-revision takes a revision number (1, 2, ...), not "two"\n'],
    [['undo', 'demo', '--to-revision', '0'], 'kanary: undo: --to-revision takes a revision number (1, 2, ...), not "0"\n'],
  ])('%j', async (argv, message) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(message);
  });
});

describe('pickRevision', () => {
  const revisions = listRevisions([rs(1, 'aaa'), rs(3, 'ccc'), rs(2, 'bbb')]);

  test('revisions come newest first', () => {
    expect(revisions.map((r) => r.revision)).toEqual([3, 2, 1]);
  });

  test.each([
    ['ccc', undefined, 2],
    ['bbb', undefined, 3],
    ['ccc', 1, 1],
  ])('current %s, --to-revision %s -> revision %d', (current, to, expected) => {
    expect(pickRevision(revisions, current, to).revision).toBe(expected);
  });

  test.each([
    ['ccc', 7, 'revision 7 not found (revisions: 3, 2, 1)'],
    ['ccc', 3, 'revision 3 is the current template: nothing to undo'],
  ])('current %s, --to-revision %s -> %s', (current, to, message) => {
    expect(() => pickRevision(revisions, current, to)).toThrow(new UserError(message));
  });

  test('a single revision has nothing earlier', () => {
    expect(() => pickRevision(listRevisions([rs(1, 'aaa')]), 'aaa', undefined)).toThrow(new UserError('no earlier revision to go back to (revisions: 1)'));
  });
});

describe('restoreTemplate', () => {
  test('removes the hash label and the server defaults, and hashes back to the revision', () => {
    const restored = restoreTemplate({ revision: 1, hash, template: defaulted });
    expect(restored).toEqual({ template: original, exact: true });
  });

  test('a default the user wrote explicitly is kept when only that hashes back', () => {
    const explicit = { ...original, spec: { ...original.spec, restartPolicy: 'Always' } };
    const h = computePodTemplateHash(explicit);
    const restored = restoreTemplate({ revision: 2, hash: h, template: { ...explicit, metadata: { labels: { app: 'demo', 'rollouts-pod-template-hash': h } } } });
    expect(restored).toEqual({ template: explicit, exact: true });
  });

  test('imagePullPolicy Always is a default only for :latest or untagged images', () => {
    const spec = (image: string) => stripServerDefaults({ spec: { containers: [{ name: 'a', image, imagePullPolicy: 'Always' }] } })['spec'];
    expect(spec('demo:latest')).toEqual({ containers: [{ name: 'a', image: 'demo:latest' }] });
    expect(spec('reg:5000/demo')).toEqual({ containers: [{ name: 'a', image: 'reg:5000/demo' }] });
    expect(spec('demo:1')).toEqual({ containers: [{ name: 'a', image: 'demo:1', imagePullPolicy: 'Always' }] });
  });
});
