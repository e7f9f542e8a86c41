import { parseWindowRequest, windowReply } from '../../../src/sandbox/edge-proxy/window-endpoint.js';
import { createWindowStats } from '../../../src/sandbox/edge-proxy/window-stats.js';

describe('parseWindowRequest', () => {
  test.each([
    ['cluster=demo_canary_80', { cluster: 'demo_canary_80', seconds: 10, minRequests: 1 }],
    ['cluster=demo_canary_80&seconds=30&minRequests=10', { cluster: 'demo_canary_80', seconds: 30, minRequests: 10 }],
    ['seconds=10', /^cluster is required/],
    ['cluster=x&seconds=0', 'seconds must be an integer from 1 to 60, got "0"'],
    ['cluster=x&seconds=61', 'seconds must be an integer from 1 to 60, got "61"'],
    ['cluster=x&seconds=10s', 'seconds must be an integer from 1 to 60, got "10s"'],
    ['cluster=x&minRequests=-1', 'minRequests must be an integer from 1 to 1000000, got "-1"'],
  ])('%s', (query, expected) => {
    const parsed = parseWindowRequest(new URLSearchParams(query));
    if (expected instanceof RegExp) expect(parsed).toMatch(expected);
    else expect(parsed).toEqual(expected);
  });
});

describe('windowReply', () => {
  const stats = createWindowStats();
  for (let i = 0; i < 20; i++) stats.record({ clusterName: 'demo_canary_80', statusCode: i < 2 ? 503 : 200, durationMs: 10 + i, atMs: 50_000 + i * 100 });

  test.each([
    ['cluster=demo_canary_80&seconds=10&minRequests=10', 200, { cluster: 'demo_canary_80', windowSeconds: 10, requests: 20, successRate: 0.9, p99Ms: 29 }],
    ['cluster=demo_canary_80&seconds=10&minRequests=21', 503, { error: 'only 20 requests to demo_canary_80 in the last 10s (need 21)', cluster: 'demo_canary_80', windowSeconds: 10, requests: 20 }],
    ['cluster=demo_canary_80&seconds=1&minRequests=10', 503, { error: 'only 0 requests to demo_canary_80 in the last 1s (need 10)', cluster: 'demo_canary_80', windowSeconds: 1, requests: 0 }],
    ['cluster=other_80', 503, { error: 'only 0 requests to other_80 in the last 10s (need 1)', cluster: 'other_80', windowSeconds: 10, requests: 0 }],
    ['seconds=abc', 400, { error: expect.stringMatching(/^cluster is required/) }],
  ])('%s -> %i', (query, status, body) => {
    expect(windowReply(stats, new URLSearchParams(query), 53_000)).toEqual({ status, body });
  });
});
