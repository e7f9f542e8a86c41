// Issue 21: antiAffinity (Argo's field) planned by the core: the new revision's ReplicaSet is created
// with a rule against the stable hash, the rule follows a new stable hash, and it is removed once
// the revision is stable. Canary and blue/green alike.
import { planCanary } from '../../src/core/plan-canary.js';
import { deployed, hashOf, intent, rsOf, setImage, settle, snapshotOf } from './canary-model.js';
import { deployedBlueGreen, intent as bgIntent, rsOf as bgRsOf, setImage as bgSetImage, settle as bgSettle } from './bluegreen-model.js';

const required = { requiredDuringSchedulingIgnoredDuringExecution: {} };
const preferred = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 40 } };

test('canary: the new ReplicaSet is created with a preferred rule against the stable hash', () => {
  const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }], canary: { antiAffinity: preferred } });
  expect(rsOf(c, 'v1')?.antiAffinityHash).toBeUndefined();
  setImage(c, 'v2');
  const plan = planCanary(snapshotOf(c), c.now);
  expect(plan.actions.find((a) => a.type === 'createReplicaSet')).toMatchObject({ antiAffinity: { stableHash: hashOf('v1'), weight: 40 } });
});

test('canary: promoted, the revision loses its rule (it is the stable one now)', () => {
  const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }], canary: { antiAffinity: required } });
  setImage(c, 'v2');
  settle(c);
  expect(rsOf(c, 'v2')?.antiAffinityHash).toBe(hashOf('v1'));
  intent(c, 'promoteFull');
  settle(c);
  expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
  expect(rsOf(c, 'v2')?.antiAffinityHash).toBeUndefined();
});

test('canary: without antiAffinity nothing is injected or written', () => {
  const c = deployed({ steps: [{ setWeight: 20 }] });
  setImage(c, 'v2');
  const plan = planCanary(snapshotOf(c), c.now);
  expect(plan.actions.find((a) => a.type === 'createReplicaSet')).not.toHaveProperty('antiAffinity');
  expect(plan.actions.some((a) => a.type === 'setAntiAffinity')).toBe(false);
});

test('blue/green: the preview ReplicaSet avoids the active (stable) pods until it is promoted', () => {
  const c = deployedBlueGreen({ autoPromotionEnabled: false, antiAffinity: required });
  bgSetImage(c, 'v2');
  bgSettle(c);
  expect(bgRsOf(c, 'v2')?.antiAffinityHash).toBe(hashOf('v1'));
  bgIntent(c, 'promote');
  bgSettle(c);
  expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
  expect(bgRsOf(c, 'v2')?.antiAffinityHash).toBeUndefined();
});
