import type * as k8s from '@kubernetes/client-node';
import { behaviourAnnotation, buildPodPlan } from '../../../src/sandbox/kubelet/pod-spec.js';

function pod(spec: Partial<k8s.V1PodSpec>, annotations?: Record<string, string>): k8s.V1Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ containerPort: 8080 }] }], ...spec },
  };
}

describe('buildPodPlan', () => {
  test('takes ports, image behaviour and restart policy from the spec', () => {
    const plan = buildPodPlan(pod({}));
    expect(plan.restartPolicy).toBe('Always');
    expect(plan.containers).toEqual([expect.objectContaining({
      name: 'app', image: 'kanary/demo-app:v1', ports: [8080], readinessDelayMs: 300,
      behaviour: expect.objectContaining({ colour: 'blue', version: 'v1' }),
    })]);
    expect(plan.annotationError).toBeUndefined();
  });

  test('serves only TCP ports, once each', () => {
    const plan = buildPodPlan(pod({ containers: [{
      name: 'app', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 80, name: 'again' }, { containerPort: 9090, protocol: 'TCP' }],
    }] }));
    expect(plan.containers[0]?.ports).toEqual([80, 9090]);
  });

  test('a container without ports just runs', () => {
    expect(buildPodPlan(pod({ containers: [{ name: 'worker', image: 'busybox' }] })).containers[0]?.ports).toEqual([]);
  });

  test.each([
    [{ errorRate: 0.5, readinessDelayMs: 2000 }, { errorRate: 0.5, readinessDelayMs: 2000 }],
    [{ neverReady: true }, { neverReady: true }],
  ])('the annotation %j overrides the catalog', (override, expected) => {
    const plan = buildPodPlan(pod({}, { [behaviourAnnotation]: JSON.stringify(override) }));
    expect(plan.containers[0]?.behaviour).toMatchObject({ ...expected, colour: 'blue' });
    expect(plan.annotationError).toBeUndefined();
  });

  test.each(['{oops', '{"errorRate":7}', '{"unknownField":1}'])('a malformed annotation %s is reported and ignored', (text) => {
    const plan = buildPodPlan(pod({}, { [behaviourAnnotation]: text }));
    expect(plan.annotationError).toEqual(expect.any(String));
    expect(plan.containers[0]?.behaviour).toMatchObject({ errorRate: 0, colour: 'blue' });
  });

  test('a readiness probe delay longer than the behaviour delay wins', () => {
    const plan = buildPodPlan(pod({ containers: [{ name: 'app', image: 'x', readinessProbe: { initialDelaySeconds: 2 } }] }));
    expect(plan.containers[0]?.readinessDelayMs).toBe(2000);
  });

  test.each([
    [undefined, 'Always'],
    ['Always', 'Always'],
    ['OnFailure', 'OnFailure'],
    ['Never', 'Never'],
  ])('restartPolicy %s -> %s', (policy, expected) => {
    expect(buildPodPlan(pod(policy ? { restartPolicy: policy } : {})).restartPolicy).toBe(expected);
  });

  test('lists init containers', () => {
    const plan = buildPodPlan(pod({ initContainers: [{ name: 'init', image: 'busybox' }] }));
    expect(plan.initContainers).toEqual([{ name: 'init', image: 'busybox' }]);
  });
});
