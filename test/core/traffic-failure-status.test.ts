import type { RolloutStatus } from '../../src/api/rollout.js';
import { reportsTrafficFailure, statusWithTrafficFailure } from '../../src/core/traffic-failure-status.js';

const T0 = Date.parse('2026-12-07T06:00:00Z');
const previous: RolloutStatus = {
  phase: 'Progressing',
  currentStepIndex: 0,
  conditions: [
    { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'updated', lastUpdateTime: '2026-12-07T05:00:00.000Z', lastTransitionTime: '2026-12-07T05:00:00.000Z' },
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok', lastUpdateTime: '2026-12-07T05:00:00.000Z', lastTransitionTime: '2026-12-07T05:00:00.000Z' },
  ],
} as RolloutStatus;
const message = 'setting the canary weight to 50% failed: webhook down; retrying';

test('keeps everything the Rollout reported and replaces only Progressing with the failure', () => {
  const status = statusWithTrafficFailure(previous, message, T0);
  expect(status.phase).toBe('Progressing');
  expect(status.currentStepIndex).toBe(0);
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  expect(progressing).toMatchObject({ status: 'Unknown', reason: 'TrafficRoutingFailed', message, lastTransitionTime: '2026-12-07T06:00:00.000Z' });
  expect(status.conditions?.find((c) => c.type === 'Available')).toEqual(previous.conditions?.[1]);
  expect(status.conditions).toHaveLength(2);
});

test('the same failure again changes nothing, so nothing is rewritten and no second Event is recorded', () => {
  const once = statusWithTrafficFailure(previous, message, T0);
  expect(reportsTrafficFailure(previous, message)).toBe(false);
  expect(reportsTrafficFailure(once, message)).toBe(true);
  expect(statusWithTrafficFailure(once, message, T0 + 60_000)).toEqual(once);
  expect(reportsTrafficFailure(once, 'another failure')).toBe(false);
});

test('a Rollout with no status yet gets just the condition', () => {
  const status = statusWithTrafficFailure(undefined, message, T0);
  expect(status.conditions).toEqual([expect.objectContaining({ type: 'Progressing', reason: 'TrafficRoutingFailed' })]);
});
