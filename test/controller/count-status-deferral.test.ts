// A counts-only status change is held for at most maxLagMs per Rollout, then written.
import { CountStatusDeferral } from '../../src/controller/count-status-deferral.js';

test('held from the first sighting until the lag is used up, then released to write', () => {
  const deferral = new CountStatusDeferral(2000);
  expect(deferral.holdFor('ns/web', 10_000)).toBe(2000);
  expect(deferral.holdFor('ns/web', 10_500)).toBe(1500);
  expect(deferral.holdFor('ns/web', 11_999)).toBe(1);
  expect(deferral.holdFor('ns/web', 12_000)).toBeUndefined();
  // After the write the next counts-only change starts a fresh window.
  expect(deferral.holdFor('ns/web', 12_100)).toBe(2000);
});

test('rollouts are held independently; release starts a fresh window', () => {
  const deferral = new CountStatusDeferral(2000);
  deferral.holdFor('ns/a', 0);
  expect(deferral.holdFor('ns/b', 1500)).toBe(2000);
  deferral.release('ns/a');
  expect(deferral.holdFor('ns/a', 1900)).toBe(2000);
  expect(deferral.holdFor('ns/b', 3500)).toBeUndefined();
});
