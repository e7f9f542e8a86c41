// resolveWorkloadRef (src/controller/workload-ref.ts): the Rollout the plan sees takes the pod
// template of the Deployment its workloadRef names, from the cache; a missing Deployment or one
// whose template the selector does not match is a problem naming it, and the template stays absent.
import type * as k8s from '@kubernetes/client-node';
import { rolloutSchema, type Rollout } from '../../src/api/rollout.js';
import { resolveWorkloadRef } from '../../src/controller/workload-ref.js';
import type { ObjectCache } from '../../src/controller/object-cache.js';
import { buildDeploymentScalePatch } from '../../src/kube/deployments.js';

const TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } };

function rollout(ref: Record<string, unknown> | undefined): Rollout {
  return rolloutSchema.parse({
    metadata: { name: 'web', namespace: 'team' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      ...(ref === undefined ? { template: TEMPLATE } : { workloadRef: ref }),
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
    },
  });
}

function cache(deployments: k8s.V1Deployment[]): ObjectCache<k8s.V1Deployment> {
  return {
    get: (namespace, name) => deployments.find((d) => d.metadata?.namespace === namespace && d.metadata?.name === name),
    list: (namespace) => deployments.filter((d) => d.metadata?.namespace === namespace),
  };
}

function deployment(namespace: string, template: unknown = TEMPLATE): k8s.V1Deployment {
  return {
    metadata: { name: 'web', namespace, generation: 7, resourceVersion: '42' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template as k8s.V1PodTemplateSpec },
  };
}

const REF = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'progressively' };

test('the Deployment in the Rollout\'s namespace gives the template and the workload view', () => {
  const resolved = resolveWorkloadRef(rollout(REF), cache([deployment('team')]));
  expect(resolved.problems).toEqual([]);
  expect(resolved.rollout.spec.template).toEqual(TEMPLATE);
  expect(resolved.workload).toEqual({ name: 'web', specReplicas: 4, generation: 7, resourceVersion: '42' });
});

test('a Deployment of that name in another namespace is not found; the Rollout waits', () => {
  const resolved = resolveWorkloadRef(rollout(REF), cache([deployment('other')]));
  expect(resolved.problems).toEqual(['spec.workloadRef: Deployment "web" not found in namespace "team"; the Rollout waits for it']);
  expect(resolved.rollout.spec.template).toBeUndefined();
  expect(resolved.workload).toBeUndefined();
});

test('a Deployment whose template labels the selector does not match is named', () => {
  const resolved = resolveWorkloadRef(rollout(REF), cache([deployment('team', { ...TEMPLATE, metadata: { labels: { app: 'api' } } })]));
  expect(resolved.problems).toEqual(['spec.workloadRef: Deployment "web": its pod template labels do not match spec.selector']);
  expect(resolved.rollout.spec.template).toBeUndefined();
});

test('another kind is not looked up (validateRollout reports it); without workloadRef the Rollout is unchanged', () => {
  const other = rollout({ ...REF, kind: 'StatefulSet' });
  expect(resolveWorkloadRef(other, cache([deployment('team')]))).toEqual({ rollout: other, problems: [] });
  const plain = rollout(undefined);
  expect(resolveWorkloadRef(plain, cache([deployment('team')]))).toEqual({ rollout: plain, problems: [] });
});

test('the scale patch carries the resourceVersion the decision was made on', () => {
  expect(buildDeploymentScalePatch({ replicas: 2, resourceVersion: '42' })).toEqual({ spec: { replicas: 2 }, metadata: { resourceVersion: '42' } });
  expect(buildDeploymentScalePatch({ replicas: 0 })).toEqual({ spec: { replicas: 0 } });
});
