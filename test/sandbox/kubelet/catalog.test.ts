import { defaultBehaviour } from '../../../src/sandbox/kubelet/behaviour.js';
import { imageVersion, isCatalogImage, resolveBehaviour } from '../../../src/sandbox/kubelet/catalog.js';

describe('resolveBehaviour', () => {
  test.each([
    ['kanary/demo-app:v1', { version: 'v1', colour: 'blue', errorRate: 0, neverReady: false }],
    ['kanary/demo-app:v2', { version: 'v2', colour: 'green', errorRate: 0, neverReady: false }],
    ['docker.io/kanary/demo-app:v2', { version: 'v2', colour: 'green', errorRate: 0 }],
    ['kanary/demo-app:v3', { version: 'v3', colour: 'orange', errorRate: 0.3 }],
    ['kanary/never-ready:latest', { neverReady: true }],
    ['kanary/never-ready', { neverReady: true }],
    ['kanary/crash-loop:latest', { crashAfterMs: 3000, neverReady: false }],
    ['nginx:1.25', { version: '1.25', errorRate: 0, neverReady: false, readinessDelayMs: defaultBehaviour.readinessDelayMs }],
  ])('%s', (image, expected) => {
    expect(resolveBehaviour(image)).toMatchObject(expected);
  });

  test('the faulty demo image has a share of slow responses', () => {
    const v3 = resolveBehaviour('kanary/demo-app:v3');
    expect(v3.slowShare).toBeGreaterThan(0);
    expect(v3.slowMs).toBeGreaterThan(v3.latencyMs + v3.jitterMs);
  });

  test('an image outside the catalog is healthy, with no colour and no crash', () => {
    const generic = resolveBehaviour('registry.example.com/team/api:2.0');
    expect(generic.colour).toBeUndefined();
    expect(generic.crashAfterMs).toBeUndefined();
    expect(generic).toMatchObject({ errorRate: 0, slowShare: 0, neverReady: false, version: '2.0' });
  });

  test('a per-pod override is applied over the catalog entry', () => {
    expect(resolveBehaviour('kanary/demo-app:v1', { errorRate: 0.5, readinessDelayMs: 2000 })).toMatchObject({
      colour: 'blue', version: 'v1', errorRate: 0.5, readinessDelayMs: 2000,
    });
  });
});

describe('imageVersion', () => {
  test.each([
    ['kanary/demo-app:v1', 'v1'],
    ['nginx', 'latest'],
    ['localhost:5000/app', 'latest'],
    ['localhost:5000/app:1.2', '1.2'],
    ['app@sha256:abc', 'sha256:abc'],
  ])('%s -> %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});

test.each([
  ['kanary/demo-app:v1', true],
  ['kanary/demo-app:v4', false],
  ['busybox', false],
])('isCatalogImage(%s) = %s', (image, known) => {
  expect(isCatalogImage(image)).toBe(known);
});
