import { defaultBehaviour, type Behaviour } from '../../../src/sandbox/kubelet/behaviour.js';
import type { RandomSource } from '../../../src/sandbox/kubelet/random.js';
import { buildResponseBody, decideResponse } from '../../../src/sandbox/kubelet/workload-response.js';

/** Replays fixed draws: error, slow, jitter. */
function draws(...values: number[]): RandomSource {
  let i = 0;
  return () => values[i++] ?? 0;
}

const faulty: Behaviour = { ...defaultBehaviour, latencyMs: 10, jitterMs: 4, errorRate: 0.3, slowShare: 0.2, slowMs: 800 };

describe('decideResponse', () => {
  test.each([
    ['healthy and fast', draws(0.9, 0.9, 0.5), { statusCode: 200, delayMs: 12 }],
    ['error draw under the rate', draws(0.29, 0.9, 0), { statusCode: 500, delayMs: 10 }],
    ['error draw at the rate is not an error', draws(0.3, 0.9, 0), { statusCode: 200, delayMs: 10 }],
    ['slow draw under the share', draws(0.9, 0.1, 0.25), { statusCode: 200, delayMs: 801 }],
    ['slow and failed', draws(0.0, 0.0, 0), { statusCode: 500, delayMs: 800 }],
  ])('%s', (_name, random, expected) => {
    expect(decideResponse(faulty, random)).toEqual(expected);
  });

  test('uses the configured error status', () => {
    expect(decideResponse({ ...faulty, errorStatus: 503 }, draws(0, 1, 0)).statusCode).toBe(503);
  });

  test('a healthy behaviour never fails whatever the draws', () => {
    expect(decideResponse(defaultBehaviour, draws(0, 0, 0)).statusCode).toBe(200);
  });
});

describe('buildResponseBody', () => {
  const identity = { pod: 'web-abc', namespace: 'ns', container: 'app', image: 'kanary/demo-app:v1', ip: '127.9.0.1' };

  test('names the pod, image, version and colour', () => {
    expect(buildResponseBody(identity, { ...defaultBehaviour, version: 'v1', colour: 'blue' }, 200)).toEqual({
      pod: 'web-abc', namespace: 'ns', container: 'app', image: 'kanary/demo-app:v1', version: 'v1', colour: 'blue', ip: '127.9.0.1',
    });
  });

  test('a failure says so', () => {
    expect(buildResponseBody(identity, defaultBehaviour, 500)).toMatchObject({ error: 'simulated failure', pod: 'web-abc' });
  });
});
