// Issue 21: scaleDownDelayRevisionLimit on a canary (Argo's field): with traffic routing, at most
// that many older ReplicaSets keep their pods through scaleDownDelaySeconds; older ones go to 0 at once.
import { deployed, replicasOf, runFor, setImage, settle } from './canary-model.js';

test('limit 1: after two quick releases v2 waits out the delay, v1 goes to 0 at once', () => {
  const c = deployed({ steps: [], canary: { scaleDownDelaySeconds: 300, scaleDownDelayRevisionLimit: 1 } });
  setImage(c, 'v2');
  settle(c);
  expect(c.rollout.status?.phase).toBe('Healthy');
  expect(replicasOf(c, 'v1')).toBe(10);
  setImage(c, 'v3');
  settle(c);
  expect(replicasOf(c, 'v3')).toBe(10);
  expect(replicasOf(c, 'v2')).toBe(10);
  expect(replicasOf(c, 'v1')).toBe(0);
  runFor(c, 300_000);
  expect(replicasOf(c, 'v2')).toBe(0);
});

test('without a limit every older ReplicaSet waits out its delay', () => {
  const c = deployed({ steps: [], canary: { scaleDownDelaySeconds: 300 } });
  setImage(c, 'v2');
  settle(c);
  setImage(c, 'v3');
  settle(c);
  expect(replicasOf(c, 'v2')).toBe(10);
  expect(replicasOf(c, 'v1')).toBe(10);
});

test('limit 0: older ReplicaSets go to 0 as soon as no Service selects them', () => {
  const c = deployed({ steps: [], canary: { scaleDownDelaySeconds: 300, scaleDownDelayRevisionLimit: 0 } });
  setImage(c, 'v2');
  settle(c);
  expect(replicasOf(c, 'v2')).toBe(10);
  expect(replicasOf(c, 'v1')).toBe(0);
});
