import { buildReplicaSet, buildScalePatch, replicaSetName } from '../../src/kube/replica-sets.js';
import type { Rollout } from '../../src/api/rollout.js';

const rollout = {
  metadata: { name: 'demo', namespace: 'shop', uid: 'uid-1' },
  spec: {
    replicas: 10,
    minReadySeconds: 5,
    selector: { matchLabels: { app: 'demo' } },
    template: {
      metadata: { labels: { app: 'demo', tier: 'web' }, annotations: { note: 'x' } },
      spec: { containers: [{ name: 'app', image: 'demo:v1' }] },
    },
  },
} as unknown as Rollout;

describe('buildReplicaSet', () => {
  const rs = buildReplicaSet({ rollout, podTemplateHash: 'abc123', revision: 2, replicas: 0 });

  test('is named after the rollout and hash, in its namespace', () => {
    expect(rs.metadata?.name).toBe('demo-abc123');
    expect(rs.metadata?.namespace).toBe('shop');
    expect(replicaSetName('demo', 'abc123')).toBe('demo-abc123');
  });

  test('carries the hash label on itself, its selector and its template', () => {
    expect(rs.metadata?.labels?.['rollouts-pod-template-hash']).toBe('abc123');
    expect(rs.spec?.selector.matchLabels).toEqual({ app: 'demo', 'rollouts-pod-template-hash': 'abc123' });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'demo', tier: 'web', 'rollouts-pod-template-hash': 'abc123' });
  });

  test('keeps the template and the rollout settings', () => {
    expect(rs.spec?.template?.spec?.containers[0]?.image).toBe('demo:v1');
    expect(rs.spec?.template?.metadata?.annotations).toEqual({ note: 'x' });
    expect(rs.spec?.replicas).toBe(0);
    expect(rs.spec?.minReadySeconds).toBe(5);
  });

  test('has the revision annotation and a controller ownerReference', () => {
    expect(rs.metadata?.annotations?.['kanary.dev/revision']).toBe('2');
    expect(rs.metadata?.ownerReferences).toEqual([
      { apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', name: 'demo', uid: 'uid-1', controller: true, blockOwnerDeletion: true },
    ]);
  });

  test('does not modify the rollout template', () => {
    expect(rollout.spec.template?.metadata?.labels).toEqual({ app: 'demo', tier: 'web' });
    expect(rollout.spec.selector.matchLabels).toEqual({ app: 'demo' });
  });

  test('refuses a rollout without uid (it could not own the ReplicaSet)', () => {
    const noUid = { ...rollout, metadata: { name: 'demo', namespace: 'shop' } } as Rollout;
    expect(() => buildReplicaSet({ rollout: noUid, podTemplateHash: 'h', revision: 1, replicas: 1 })).toThrow(/uid/);
  });
});

describe('buildScalePatch', () => {
  test.each([
    [{ replicas: 3 }, { spec: { replicas: 3 } }],
    [{ replicas: 0, scaleDownDeadline: '2026-01-01T00:00:30Z' }, { spec: { replicas: 0 }, metadata: { annotations: { 'kanary.dev/scale-down-deadline': '2026-01-01T00:00:30Z' } } }],
    [{ replicas: 5, scaleDownDeadline: null }, { spec: { replicas: 5 }, metadata: { annotations: { 'kanary.dev/scale-down-deadline': null } } }],
  ])('%j', (options, expected) => {
    expect(buildScalePatch(options)).toEqual(expected);
  });
});
