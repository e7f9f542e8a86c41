/**
 * examples/argocd/health.lua (Argo CD's resource health check for kanary.dev/Rollout) on fixture
 * Rollouts with Debian's lua5.4, and the copy of it embedded in examples/argocd/argocd-cm.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { repoRoot } from './chart-fixture.js';
import { healthScript, runHealthCheck, toLuaLiteral } from './lua-health.js';

type Obj = Record<string, unknown>;

const rollout = (status: Obj | undefined, metadata: Obj = { name: 'demo', generation: 2 }): Obj =>
  ({ apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata, spec: { replicas: 10 }, ...(status ? { status } : {}) });

const pauseStart = '2026-01-01T00:00:00Z';

test.each<[string, Obj, string, string]>([
  ['no status yet', rollout(undefined), 'Progressing', 'Waiting for the Kanary controller to observe the Rollout'],
  ['healthy and observed', rollout({ phase: 'Healthy', observedGeneration: 2, stableRS: 'abc', currentPodHash: 'abc' }), 'Healthy', 'Rollout is healthy'],
  ['healthy but a newer spec is not observed yet', rollout({ phase: 'Healthy', observedGeneration: 1 }), 'Progressing', 'Waiting for the Kanary controller to observe the latest spec'],
  ['observedGeneration written as a string', rollout({ phase: 'Healthy', observedGeneration: '2' }), 'Healthy', 'Rollout is healthy'],
  ['canary in flight', rollout({ phase: 'Progressing', message: 'more replicas need to be updated', observedGeneration: 2 }), 'Progressing', 'more replicas need to be updated'],
  ['waiting at a pause step', rollout({ phase: 'Paused', message: 'CanaryPauseStep', observedGeneration: 2, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: pauseStart }] }), 'Suspended', 'CanaryPauseStep'],
  ['inconclusive analysis, no message', rollout({ phase: 'Paused', observedGeneration: 2, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: pauseStart }] }), 'Suspended', 'InconclusiveAnalysisRun'],
  ['manually paused', rollout({ phase: 'Paused', message: 'manually paused', observedGeneration: 2 }), 'Suspended', 'manually paused'],
  ['aborted by failed analysis', rollout({ phase: 'Degraded', abort: true, message: 'RolloutAborted: metric "success-rate" assessed Failed', observedGeneration: 2 }), 'Degraded', 'RolloutAborted: metric "success-rate" assessed Failed'],
  ['abort requested, phase not rewritten yet', rollout({ phase: 'Paused', abort: true, observedGeneration: 2 }), 'Degraded', 'Rollout aborted'],
  ['progress deadline exceeded', rollout({ phase: 'Degraded', message: 'ProgressDeadlineExceeded: ReplicaSet "demo-x" has timed out progressing.', observedGeneration: 2 }), 'Degraded', 'ProgressDeadlineExceeded: ReplicaSet "demo-x" has timed out progressing.'],
  ['invalid spec wins over a stale phase', rollout({ phase: 'Healthy', observedGeneration: 2, conditions: [{ type: 'InvalidSpec', status: 'True', message: 'spec.strategy.canary.canaryService is required' }] }), 'Degraded', 'spec.strategy.canary.canaryService is required'],
  ['a cleared InvalidSpec condition is ignored', rollout({ phase: 'Healthy', observedGeneration: 2, conditions: [{ type: 'InvalidSpec', status: 'False' }] }), 'Healthy', 'Rollout is healthy'],
  ['empty status', rollout({}, { name: 'demo' }), 'Progressing', 'Rollout is progressing'],
])('%s', async (_name, obj, status, message) => {
  await expect(runHealthCheck(obj)).resolves.toEqual({ status, message });
});

test('non-ASCII and quotes in messages survive the Lua literal', async () => {
  const message = 'analysis "p99" failed: 1.2 s ≥ 500 ms\nsecond line';
  expect(toLuaLiteral({ a: [1, null, 'x'] })).toBe('{["a"] = {1, nil, "x"}}');
  await expect(runHealthCheck(rollout({ phase: 'Degraded', message, observedGeneration: 2 }))).resolves.toEqual({ status: 'Degraded', message });
});

test('argocd-cm.yaml embeds health.lua verbatim under the Rollout health key', () => {
  const cm = yaml.load(readFileSync(join(repoRoot, 'examples', 'argocd', 'argocd-cm.yaml'), 'utf8')) as { data: Record<string, string> };
  expect(cm.data['resource.customizations.health.kanary.dev_Rollout']).toBe(readFileSync(healthScript, 'utf8'));
});

test('the Application ignores only the Service selector hash key', () => {
  const app = yaml.load(readFileSync(join(repoRoot, 'examples', 'argocd', 'application.yaml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(app.spec.source.path).toBe('examples/canary-ambassador');
  expect(app.spec.ignoreDifferences).toEqual([
    { group: '', kind: 'Service', jqPathExpressions: ['.spec.selector."rollouts-pod-template-hash"'] },
  ]);
  expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
});
