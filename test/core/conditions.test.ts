import { mergeCondition } from '../../src/core/conditions.js';

const T1 = '2025-01-01T00:00:00.000Z';
const NOW = Date.parse('2025-01-02T00:00:00.000Z');
const NOW_ISO = new Date(NOW).toISOString();
const prev = { type: 'Healthy' as const, status: 'True' as const, reason: 'RolloutHealthy', message: 'ok', lastUpdateTime: T1, lastTransitionTime: T1 };

describe('mergeCondition', () => {
  test.each([
    { name: 'unchanged keeps both times', desired: { type: 'Healthy' as const, status: 'True' as const, reason: 'RolloutHealthy', message: 'ok' }, update: T1, transition: T1 },
    { name: 'new message, same status: update time moves, transition kept', desired: { type: 'Healthy' as const, status: 'True' as const, reason: 'RolloutHealthy', message: 'changed' }, update: NOW_ISO, transition: T1 },
    { name: 'status change moves both', desired: { type: 'Healthy' as const, status: 'False' as const, reason: 'RolloutUnhealthy', message: 'no' }, update: NOW_ISO, transition: NOW_ISO },
  ])('$name', ({ desired, update, transition }) => {
    expect(mergeCondition(prev, desired, NOW)).toMatchObject({ ...desired, lastUpdateTime: update, lastTransitionTime: transition });
  });
  test('a new condition gets now for both times', () => {
    expect(mergeCondition(undefined, { type: 'Paused', status: 'False', reason: 'RolloutResumed', message: 'm' }, NOW)).toMatchObject({ lastUpdateTime: NOW_ISO, lastTransitionTime: NOW_ISO });
  });
});
