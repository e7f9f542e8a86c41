import { checkCanaryShares, TrafficLedger, versionSharePercent } from '../../../src/sandbox/demo/traffic-ledger.js';

function fill(ledger: TrafficLedger, key: { release: string; stepIndex: number; appliedWeight: number; atStep: boolean }, answers: Record<string, number>, failed = 0): void {
  for (const [version, count] of Object.entries(answers)) {
    for (let i = 0; i < count; i += 1) ledger.record(key, { failed: i < failed, version: version === 'none' ? undefined : version });
  }
}

describe('TrafficLedger', () => {
  test('segments by release, step and applied weight; release totals add up', () => {
    const ledger = new TrafficLedger();
    fill(ledger, { release: 'v1->v2', stepIndex: 0, appliedWeight: 10, atStep: true }, { v1: 90, v2: 10 });
    fill(ledger, { release: 'v1->v2', stepIndex: 3, appliedWeight: 30, atStep: true }, { v1: 70, v2: 30 });
    fill(ledger, { release: 'v2->v3', stepIndex: 0, appliedWeight: 10, atStep: true }, { v3: 5 }, 2);
    expect(ledger.segmentsOf('v1->v2').map((s) => [s.stepIndex, s.appliedWeight, s.tally.total])).toEqual([[0, 10, 100], [3, 30, 100]]);
    expect(ledger.releaseTally('v1->v2')).toEqual({ total: 200, failed: 0, byVersion: { v1: 160, v2: 40 } });
    expect(ledger.releaseTally('v2->v3').failed).toBe(2);
    expect(ledger.releaseTally('nothing').total).toBe(0);
  });
});

describe('versionSharePercent', () => {
  test.each([
    [{ v1: 90, v2: 10 }, 'v2', 10],
    [{ v1: 90, v2: 10, none: 100 }, 'v2', 10],
    [{ none: 5 }, 'v2', 0],
    [{ v2: 4 }, 'v2', 100],
  ])('%j share of %s is %d', (byVersion, version, expected) => {
    const total = Object.values(byVersion).reduce((a, b) => a + b, 0);
    expect(versionSharePercent({ total, failed: 0, byVersion }, version)).toBeCloseTo(expected);
  });
});

describe('checkCanaryShares', () => {
  test.each([
    [10, { v1: 88, v2: 12 }, true],
    [10, { v1: 80, v2: 20 }, false],
    [50, { v1: 46, v2: 54 }, true],
  ])('weight %d with %j within 5 points: %s', (weight, byVersion, ok) => {
    const ledger = new TrafficLedger();
    fill(ledger, { release: 'r', stepIndex: 0, appliedWeight: weight, atStep: true }, byVersion);
    fill(ledger, { release: 'r', stepIndex: 9, appliedWeight: 0, atStep: false }, { v2: 100 });
    fill(ledger, { release: 'r', stepIndex: 1, appliedWeight: 30, atStep: true }, { v2: 3 });
    const checks = checkCanaryShares(ledger.segmentsOf('r'), 'v2', { minRequests: 50, tolerancePoints: 5 });
    expect(checks.map((c) => [c.segment.appliedWeight, c.ok])).toEqual([[weight, ok]]);
  });
});
