// The kube/ adapters against the real local API server: ReplicaSets owned by a Rollout, the Service
// selector hash key, Rollout status, Events, AnalysisRuns, typed errors and the request counter.
import type * as k8s from '@kubernetes/client-node';
import { KANARY_GROUP, KANARY_VERSION, ROLLOUT_PLURAL } from '../../src/api/labels.js';
import type { Rollout } from '../../src/api/rollout.js';
import { createAnalysisRun, deleteAnalysisRun, patchAnalysisRunStatus } from '../../src/kube/analysis-runs.js';
import { ConflictError, InvalidError, NotFoundError, callKube } from '../../src/kube/errors.js';
import { EventRecorder } from '../../src/kube/events.js';
import { annotateReplicaSet, createReplicaSet, deleteReplicaSet, scaleReplicaSet } from '../../src/kube/replica-sets.js';
import { patchRolloutStatus } from '../../src/kube/rollout-status.js';
import { patchServiceSelectorHash } from '../../src/kube/services.js';
import { createKubeFixture, createTestRollout, deleteKubeFixture, type KubeFixture } from './kube-fixture.js';

let fx: KubeFixture;
let rollout: Rollout;

beforeAll(async () => {
  fx = await createKubeFixture('kube-adapters');
  rollout = await createTestRollout(fx, 'demo');
});

afterAll(async () => {
  await deleteKubeFixture(fx);
});

async function readRollout(): Promise<Rollout & { metadata: { resourceVersion: string; generation: number } }> {
  return (await fx.clients.custom.getNamespacedCustomObject({
    group: KANARY_GROUP,
    version: KANARY_VERSION,
    namespace: fx.namespace,
    plural: ROLLOUT_PLURAL,
    name: 'demo',
  })) as Rollout & { metadata: { resourceVersion: string; generation: number } };
}

describe('ReplicaSets', () => {
  test('created from the Rollout template with hash labels, revision and a controller ownerReference', async () => {
    await createReplicaSet(fx.clients, { rollout, podTemplateHash: 'h1abc', revision: 1, replicas: 0 });
    const rs = await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' });
    expect(rs.metadata?.labels?.['rollouts-pod-template-hash']).toBe('h1abc');
    expect(rs.spec?.selector.matchLabels).toEqual({ app: 'demo', 'rollouts-pod-template-hash': 'h1abc' });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'demo', 'rollouts-pod-template-hash': 'h1abc' });
    expect(rs.metadata?.annotations?.['kanary.dev/revision']).toBe('1');
    expect(rs.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Rollout', name: 'demo', uid: rollout.metadata.uid, controller: true, blockOwnerDeletion: true }),
    ]);
    expect(rs.spec?.replicas).toBe(0);
  });

  test('a second create of the same hash is a ConflictError (AlreadyExists), never a duplicate', async () => {
    const err = await createReplicaSet(fx.clients, { rollout, podTemplateHash: 'h1abc', revision: 1, replicas: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).reason).toBe('AlreadyExists');
    expect((err as ConflictError).requeueImmediately).toBe(true);
  });

  test('scale sets replicas and the scale-down deadline, then clears it; other annotations stay', async () => {
    await scaleReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc', replicas: 3, scaleDownDeadline: '2026-01-01T00:00:30Z' });
    let rs = await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.metadata?.annotations).toEqual({ 'kanary.dev/revision': '1', 'kanary.dev/scale-down-deadline': '2026-01-01T00:00:30Z' });

    await scaleReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc', replicas: 0, scaleDownDeadline: null });
    rs = await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' });
    expect(rs.spec?.replicas).toBe(0);
    expect(rs.metadata?.annotations).toEqual({ 'kanary.dev/revision': '1' });
  });

  test('annotate updates the revision', async () => {
    await annotateReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc', annotations: { 'kanary.dev/revision': '3' } });
    const rs = await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' });
    expect(rs.metadata?.annotations?.['kanary.dev/revision']).toBe('3');
  });

  test('delete with a stale uid precondition is a ConflictError; with the right uid it deletes', async () => {
    const rs = await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' });
    await expect(deleteReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc', uid: 'not-the-uid' })).rejects.toBeInstanceOf(ConflictError);
    await deleteReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc', uid: rs.metadata?.uid });
    await expect(
      callKube({ verb: 'get', resource: 'replicasets' }, () => fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'demo-h1abc' })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  test('scaling a missing ReplicaSet is a NotFoundError', async () => {
    await expect(scaleReplicaSet(fx.clients, { namespace: fx.namespace, name: 'demo-missing', replicas: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  test('an invalid object is an InvalidError with the API causes', async () => {
    const bad = { ...rollout, metadata: { ...rollout.metadata, name: 'Not_A_DNS_Name' } } as Rollout;
    const err = await createReplicaSet(fx.clients, { rollout: bad, podTemplateHash: 'h', revision: 1, replicas: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).causes.map((c) => c.field)).toContain('metadata.name');
  });
});

describe('Services', () => {
  test('only the hash key of the selector changes; other keys, ports and annotations stay', async () => {
    const body: k8s.V1Service = {
      metadata: { name: 'demo-stable', namespace: fx.namespace, annotations: { owner: 'git' } },
      spec: { selector: { app: 'demo', tier: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    };
    await fx.clients.core.createNamespacedService({ namespace: fx.namespace, body });
    await patchServiceSelectorHash(fx.clients, { namespace: fx.namespace, name: 'demo-stable', podTemplateHash: 'h1abc' });
    let svc = await fx.clients.core.readNamespacedService({ namespace: fx.namespace, name: 'demo-stable' });
    expect(svc.spec?.selector).toEqual({ app: 'demo', tier: 'web', 'rollouts-pod-template-hash': 'h1abc' });
    expect(svc.spec?.ports).toEqual([expect.objectContaining({ name: 'http', port: 80, targetPort: 'http' })]);
    expect(svc.metadata?.annotations).toEqual({ owner: 'git' });

    await patchServiceSelectorHash(fx.clients, { namespace: fx.namespace, name: 'demo-stable', podTemplateHash: 'h2def' });
    svc = await fx.clients.core.readNamespacedService({ namespace: fx.namespace, name: 'demo-stable' });
    expect(svc.spec?.selector).toEqual({ app: 'demo', tier: 'web', 'rollouts-pod-template-hash': 'h2def' });

    await patchServiceSelectorHash(fx.clients, { namespace: fx.namespace, name: 'demo-stable', podTemplateHash: null });
    svc = await fx.clients.core.readNamespacedService({ namespace: fx.namespace, name: 'demo-stable' });
    expect(svc.spec?.selector).toEqual({ app: 'demo', tier: 'web' });
  });

  test('a missing Service is a NotFoundError', async () => {
    await expect(patchServiceSelectorHash(fx.clients, { namespace: fx.namespace, name: 'nope', podTemplateHash: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Rollout status', () => {
  test('merge-patches /status with observedGeneration, removing keys that went away', async () => {
    const live = await readRollout();
    await patchRolloutStatus(fx.clients, {
      namespace: fx.namespace,
      name: 'demo',
      liveStatus: undefined,
      desiredStatus: { phase: 'Paused', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] },
      observedGeneration: live.metadata.generation,
      resourceVersion: live.metadata.resourceVersion,
    });
    const paused = await readRollout();
    expect(paused.status).toEqual({
      phase: 'Paused',
      currentStepIndex: 1,
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }],
      observedGeneration: live.metadata.generation,
    });
    expect(paused.spec).toEqual(live.spec);

    await patchRolloutStatus(fx.clients, {
      namespace: fx.namespace,
      name: 'demo',
      liveStatus: paused.status as Record<string, unknown>,
      desiredStatus: { phase: 'Progressing', currentStepIndex: 2 },
      observedGeneration: live.metadata.generation,
      resourceVersion: paused.metadata.resourceVersion,
    });
    expect((await readRollout()).status).toEqual({ phase: 'Progressing', currentStepIndex: 2, observedGeneration: live.metadata.generation });
  });

  test('a write from a stale resourceVersion is a ConflictError and changes nothing', async () => {
    const before = await readRollout();
    const stale = String(Number(before.metadata.resourceVersion) - 1);
    const err = await patchRolloutStatus(fx.clients, {
      namespace: fx.namespace,
      name: 'demo',
      liveStatus: before.status as Record<string, unknown>,
      desiredStatus: { phase: 'Degraded', abort: true },
      observedGeneration: before.metadata.generation,
      resourceVersion: stale,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((await readRollout()).status).toEqual(before.status);
  });

  test('an unchanged status makes no request', async () => {
    const live = await readRollout();
    const count = fx.requests.length;
    const result = await patchRolloutStatus(fx.clients, {
      namespace: fx.namespace,
      name: 'demo',
      liveStatus: live.status as Record<string, unknown>,
      desiredStatus: { phase: 'Progressing', currentStepIndex: 2 },
      observedGeneration: live.metadata.generation,
      resourceVersion: live.metadata.resourceVersion,
    });
    expect(result).toBeUndefined();
    expect(fx.requests.length).toBe(count);
  });
});

describe('Events', () => {
  test('records a core/v1 Event about the Rollout and aggregates an identical one', async () => {
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const errors: unknown[] = [];
    const recorder = new EventRecorder({ clients: fx.clients, clock: { now: () => nowMs }, onError: (e) => errors.push(e) });
    const event = { type: 'Normal' as const, reason: 'RolloutPaused', message: 'Rollout is paused at step 1' };
    await recorder.record(rollout, event);
    nowMs += 5000;
    await recorder.record(rollout, event);
    await recorder.record(rollout, { type: 'Warning', reason: 'RolloutAborted', message: 'aborted' });
    expect(errors).toEqual([]);

    const list = await fx.clients.core.listNamespacedEvent({ namespace: fx.namespace });
    const paused = list.items.filter((e) => e.reason === 'RolloutPaused');
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({
      type: 'Normal',
      message: 'Rollout is paused at step 1',
      count: 2,
      source: { component: 'kanary-controller' },
      involvedObject: { kind: 'Rollout', apiVersion: 'kanary.dev/v1alpha1', name: 'demo', namespace: fx.namespace, uid: rollout.metadata.uid },
    });
    expect(paused[0]?.lastTimestamp?.toISOString()).toBe('2026-01-01T00:00:05.000Z');
    expect(list.items.filter((e) => e.reason === 'RolloutAborted' && e.type === 'Warning')).toHaveLength(1);
  });

  test('a failed write goes to onError and does not throw', async () => {
    const errors: unknown[] = [];
    const recorder = new EventRecorder({ clients: fx.clients, clock: { now: () => Date.now() }, onError: (e) => errors.push(e) });
    await recorder.record({ metadata: { name: 'demo', namespace: 'no-such-namespace-kanary' } }, { type: 'Normal', reason: 'X', message: 'y' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NotFoundError);
  });
});

describe('AnalysisRuns', () => {
  const run = () => ({
    metadata: {
      name: 'demo-h1abc-1-0',
      namespace: fx.namespace,
      labels: { 'kanary.dev/rollout': 'demo' },
      ownerReferences: [{ apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', name: 'demo', uid: rollout.metadata.uid ?? '', controller: true }],
    },
    spec: { metrics: [{ name: 'success', provider: { prometheus: { address: 'http://127.0.0.1:9090', query: 'vector(1)' } }, successCondition: 'result[0] >= 0.95' }] },
  });

  test('create, patch status on difference, delete', async () => {
    const created = await createAnalysisRun(fx.clients, run());
    expect(created.metadata.name).toBe('demo-h1abc-1-0');

    await patchAnalysisRunStatus(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc-1-0', liveStatus: undefined, desiredStatus: { phase: 'Running' } });
    const read = (await fx.clients.custom.getNamespacedCustomObject({ group: KANARY_GROUP, version: KANARY_VERSION, namespace: fx.namespace, plural: 'analysisruns', name: 'demo-h1abc-1-0' })) as { status?: { phase?: string } };
    expect(read.status?.phase).toBe('Running');

    const count = fx.requests.length;
    expect(await patchAnalysisRunStatus(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc-1-0', liveStatus: { phase: 'Running' }, desiredStatus: { phase: 'Running' } })).toBeUndefined();
    expect(fx.requests.length).toBe(count);

    await deleteAnalysisRun(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc-1-0' });
    await expect(deleteAnalysisRun(fx.clients, { namespace: fx.namespace, name: 'demo-h1abc-1-0' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('request counter', () => {
  test('counts each request with verb, resource and HTTP code', async () => {
    const from = fx.requests.length;
    await fx.clients.apps.listNamespacedReplicaSet({ namespace: fx.namespace });
    await fx.clients.apps.readNamespacedReplicaSet({ namespace: fx.namespace, name: 'nope' }).catch(() => undefined);
    await patchServiceSelectorHash(fx.clients, { namespace: fx.namespace, name: 'demo-stable', podTemplateHash: 'h3' });
    await fx.clients.custom.getNamespacedCustomObjectStatus({ group: KANARY_GROUP, version: KANARY_VERSION, namespace: fx.namespace, plural: ROLLOUT_PLURAL, name: 'demo' });
    expect(fx.requests.slice(from)).toEqual([
      { verb: 'list', resource: 'replicasets', code: 200 },
      { verb: 'get', resource: 'replicasets', code: 404 },
      { verb: 'patch', resource: 'services', code: 200 },
      { verb: 'get', resource: 'rollouts/status', code: 200 },
    ]);
  });
});
