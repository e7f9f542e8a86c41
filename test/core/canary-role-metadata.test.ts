// Issue 21: canaryMetadata / stableMetadata (Argo's fields) on a canary Rollout: the canary's pods
// carry canaryMetadata while it is the canary, the stable pods stableMetadata, and a canary that
// becomes stable swaps the one for the other, removing exactly the keys Kanary put there.
import { planCanary } from '../../src/core/plan-canary.js';
import { deployed, hashOf, intent, reconcile, rsOf, runFor, setImage, settle, snapshotOf } from './canary-model.js';

const canaryMetadata = { labels: { role: 'canary' }, annotations: { 'team.io/track': 'canary' } };
const stableMetadata = { labels: { role: 'stable' } };
const roleOf = (c: Parameters<typeof rsOf>[0], image: string) => {
  const text = rsOf(c, image)?.roleMetadata;
  return text === undefined ? undefined : (JSON.parse(text) as { labels: Record<string, string>; annotations: Record<string, string> });
};

test('first deploy: the stable ReplicaSet\'s pods carry stableMetadata', () => {
  const c = deployed({ canary: { canaryMetadata, stableMetadata } });
  expect(roleOf(c, 'v1')).toEqual({ labels: { role: 'stable' }, annotations: {} });
});

test('during a release the canary carries canaryMetadata; after promotion it carries stableMetadata and the old one nothing', () => {
  const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }], canary: { canaryMetadata, stableMetadata, scaleDownDelaySeconds: 30 } });
  setImage(c, 'v2');
  settle(c);
  expect(roleOf(c, 'v2')).toEqual(canaryMetadata);
  expect(roleOf(c, 'v1')).toEqual({ labels: { role: 'stable' }, annotations: {} });
  intent(c, 'promote');
  runFor(c, 5_000);
  expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
  expect(roleOf(c, 'v2')).toEqual({ labels: { role: 'stable' }, annotations: {} });
  expect(roleOf(c, 'v1')).toBeUndefined();
});

test('the swap removes the canary keys Kanary put there (the action names them)', () => {
  const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }], canary: { canaryMetadata, stableMetadata } });
  setImage(c, 'v2');
  settle(c);
  intent(c, 'promoteFull');
  let swap;
  for (let i = 0; i < 20 && swap === undefined; i += 1) {
    swap = reconcile(c).actions.find((a) => a.type === 'setRoleMetadata' && a.podTemplateHash === hashOf('v2'));
  }
  expect(swap).toMatchObject({ metadata: { labels: { role: 'stable' }, annotations: {} }, previous: canaryMetadata });
});

test('without role metadata nothing is written', () => {
  const c = deployed({ steps: [{ setWeight: 20 }] });
  setImage(c, 'v2');
  const plan = planCanary(snapshotOf(c), c.now);
  expect(plan.actions.some((a) => a.type === 'setRoleMetadata')).toBe(false);
});
