import { computeRefreshDelayMs } from '../../../src/sandbox/kubelet/service-account-token.js';
import { parseLogPath, tailLog } from '../../../src/sandbox/kubelet/log-server.js';
import { nextProbeVerdict } from '../../../src/sandbox/kubelet/probe-loop.js';

describe('nextProbeVerdict', () => {
  const probe = { successThreshold: 1, failureThreshold: 3 };
  test('turns false only after failureThreshold consecutive failures, true after successThreshold successes', () => {
    let counts = { successes: 0, failures: 0, verdict: true };
    const verdicts: boolean[] = [];
    for (const success of [false, false, true, false, false, false, true]) {
      counts = nextProbeVerdict(counts, success, probe);
      verdicts.push(counts.verdict);
    }
    expect(verdicts).toEqual([true, true, true, true, true, false, true]);
  });
});

describe('computeRefreshDelayMs', () => {
  test('at 80% of the token life', () => {
    expect(computeRefreshDelayMs(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:10:00Z'))).toBe(480_000);
  });

  test.each([
    [20_000, 20_000],
    [600_000, 480_000],
    [10, 1_000],
  ])('sooner when the pod asks for a refresh every %i ms: %i', (refreshAfterMs, expected) => {
    expect(computeRefreshDelayMs(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:10:00Z'), refreshAfterMs)).toBe(expected);
  });
});

describe('log endpoint helpers', () => {
  test('parses the kubelet containerLogs path', () => {
    expect(parseLogPath('/containerLogs/ns/pod-1/controller?tailLines=2&previous=true')).toEqual({ namespace: 'ns', pod: 'pod-1', container: 'controller', previous: true, follow: false, tailLines: 2 });
    expect(parseLogPath('/pods')).toBeUndefined();
  });

  test('tails lines', () => {
    expect(tailLog('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(tailLog('a\nb\n', undefined)).toBe('a\nb\n');
  });
});
