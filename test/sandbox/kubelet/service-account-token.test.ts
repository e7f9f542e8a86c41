import type * as k8s from '@kubernetes/client-node';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTokenRefreshMs, ServiceAccountVolume, tokenRefreshAnnotation } from '../../../src/sandbox/kubelet/service-account-token.js';

/** A TokenRequest API that issues numbered tokens valid for `lifeMs`, recording each request. */
function fakeApi(lifeMs: number): { api: k8s.CoreV1Api; requests: Record<string, unknown>[] } {
  const requests: Record<string, unknown>[] = [];
  const api = {
    createNamespacedServiceAccountToken: (request: Record<string, unknown>) => {
      requests.push(request);
      return Promise.resolve({ status: { token: `token-${requests.length}`, expirationTimestamp: new Date(Date.now() + lifeMs) } });
    },
  } as unknown as k8s.CoreV1Api;
  return { api, requests };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kanary-sa-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function volume(api: k8s.CoreV1Api, refreshAfterMs?: number): ServiceAccountVolume {
  return new ServiceAccountVolume({
    ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
    api,
    pod: { namespace: 'kanary-system', name: 'kanary-abc', uid: 'u1' },
    serviceAccountName: 'kanary',
    caPem: 'CA PEM',
    dirs: [join(dir, 'sa')],
    owner: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    log: () => undefined,
  });
}

test('writes token, ca.crt and namespace; asks for a 10 min token bound to the pod', async () => {
  const { api, requests } = fakeApi(600_000);
  const sa = volume(api);
  await sa.start();
  sa.stop();
  const sadir = join(dir, 'sa');
  expect(await readFile(join(sadir, 'token'), 'utf8')).toBe('token-1');
  expect(await readFile(join(sadir, 'ca.crt'), 'utf8')).toBe('CA PEM');
  expect(await readFile(join(sadir, 'namespace'), 'utf8')).toBe('kanary-system');
  expect(((await stat(join(sadir, 'token'))).mode & 0o777).toString(8)).toBe('600');
  expect(requests[0]).toEqual({
    name: 'kanary',
    namespace: 'kanary-system',
    body: { spec: { audiences: [], expirationSeconds: 600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'kanary-abc', uid: 'u1' } } },
  });
});

test('refreshes the token at 80% of its life, replacing the file whole (no temp file left)', async () => {
  const { api, requests } = fakeApi(1_500);
  const sa = volume(api);
  await sa.start();
  try {
    // The first token lives 1.5 s: the refresh is due at 1.2 s (1 s minimum).
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(dir, 'sa', 'token'), 'utf8')).toBe(`token-${requests.length}`);
    expect((await readdir(join(dir, 'sa'))).sort()).toEqual(['ca.crt', 'namespace', 'token']);
  } finally {
    sa.stop();
  }
});

test('a pod that asks for a refresh every second gets a new 10 min token every second', async () => {
  const { api, requests } = fakeApi(600_000);
  const sa = volume(api, 1_000);
  await sa.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(requests).toHaveLength(2);
    expect(await readFile(join(dir, 'sa', 'token'), 'utf8')).toBe('token-2');
  } finally {
    sa.stop();
  }
});

describe(`the ${tokenRefreshAnnotation} annotation`, () => {
  test.each([
    ['20', 20_000],
    [' 600 ', 600_000],
    ['1', 1_000],
    ['0', undefined],
    ['601', undefined],
    ['1.5', undefined],
    ['20s', undefined],
    ['', undefined],
  ])('%j -> %s ms', (value, expected) => {
    expect(parseTokenRefreshMs({ [tokenRefreshAnnotation]: value })).toBe(expected);
  });

  test('absent: the kubelet\'s own schedule', () => {
    expect(parseTokenRefreshMs(undefined)).toBeUndefined();
    expect(parseTokenRefreshMs({ other: '20' })).toBeUndefined();
  });
});
