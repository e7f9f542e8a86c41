// Choosing the one Mapping apiVersion per controller from API discovery, retrying discovery with
// backoff while none is usable, and the Mapping informers' health as the routed Rollouts see it.
import * as k8s from '@kubernetes/client-node';
import { FakeClock } from '../../src/runtime/clock.js';
import { createLogger } from '../../src/telemetry/logger.js';
import {
  MappingApiResolver,
  MappingApiState,
  TrackedInformer,
  chooseMappingApiVersion,
  discoverServedMappingVersions,
  type TrackableInformer,
} from '../../src/traffic/mapping-api.js';

const V2 = 'getambassador.io/v2';
const V3 = 'getambassador.io/v3alpha1';
const logger = createLogger({ sink: () => undefined });

describe('chooseMappingApiVersion', () => {
  test.each<[string, string, string[], { ok: true; apiVersion: string } | { ok: false; problem: string }]>([
    ['auto on Emissary 3.x prefers v2 (the storage version: no conversion webhook involved)', 'auto', [V2, V3], { ok: true, apiVersion: V2 }],
    ['auto on Emissary 4.x takes v3alpha1', 'auto', [V3], { ok: true, apiVersion: V3 }],
    ['auto with v2 only', 'auto', [V2], { ok: true, apiVersion: V2 }],
    ['auto without the CRD', 'auto', [], { ok: false, problem: 'the Mapping CRD (mappings.getambassador.io) is not installed or serves no version' }],
    ['auto with only an unknown version', 'auto', ['getambassador.io/v1'], { ok: false, problem: 'Mappings are served only in getambassador.io/v1; Kanary supports getambassador.io/v2 and getambassador.io/v3alpha1' }],
    ['configured and served', V3, [V2, V3], { ok: true, apiVersion: V3 }],
    ['configured v2 on Emissary 4.x', V2, [V3], { ok: false, problem: 'Mapping apiVersion getambassador.io/v2 (--ambassador-api-version) is not served; the cluster serves getambassador.io/v3alpha1' }],
    ['configured but the CRD is missing', V2, [], { ok: false, problem: 'the Mapping CRD (mappings.getambassador.io) is not installed or serves no version' }],
  ])('%s', (_name, setting, served, expected) => {
    expect(chooseMappingApiVersion(setting, served)).toEqual(expected);
  });
});

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('MappingApiResolver', () => {
  test('asks again with backoff until the version is served, then resolves once', async () => {
    const clock = new FakeClock(0);
    const answers: string[][] = [[], [V2], [V2, V3]];
    const asked: string[][] = [];
    const resolved: string[] = [];
    const resolver = new MappingApiResolver({
      setting: V3,
      discover: (candidates) => { asked.push([...candidates]); return Promise.resolve(answers[asked.length - 1] ?? [V3]); },
      clock,
      logger,
      backoff: { baseMs: 1000, maxMs: 4000 },
    });
    resolver.onResolved((v) => resolved.push(v));
    await resolver.start();
    expect(resolver.apiVersion).toBeUndefined();
    expect(resolver.problem).toContain('not installed');
    clock.advance(999);
    await flush();
    expect(asked).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(asked).toHaveLength(2);
    expect(resolver.problem).toBe('Mapping apiVersion getambassador.io/v3alpha1 (--ambassador-api-version) is not served; the cluster serves getambassador.io/v2');
    clock.advance(2000);
    await flush();
    expect(asked).toHaveLength(3);
    expect(resolver.apiVersion).toBe(V3);
    expect(resolver.problem).toBeUndefined();
    expect(resolved).toEqual([V3]);
    clock.advance(60_000);
    await flush();
    expect(asked).toHaveLength(3);
    expect(asked[0]).toEqual([V2, V3]);
  });

  test('a failing discovery is a problem, retried', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const resolver = new MappingApiResolver({
      setting: 'auto',
      discover: () => { calls += 1; return calls === 1 ? Promise.reject(new Error('connection refused')) : Promise.resolve([V2, V3]); },
      clock,
      logger,
    });
    await resolver.start();
    expect(resolver.problem).toBe('API discovery failed: connection refused');
    clock.advance(1000);
    await flush();
    expect(resolver.apiVersion).toBe(V2);
  });

  test('stop() cancels the retry', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const resolver = new MappingApiResolver({ setting: 'auto', discover: () => { calls += 1; return Promise.resolve([]); }, clock, logger });
    await resolver.start();
    resolver.stop();
    clock.advance(120_000);
    await flush();
    expect(calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});

class StubInformer implements TrackableInformer {
  readonly name = 'getambassador.io/v2 mappings';
  synced = false;
  outcomes: Array<{ ok: boolean; error?: unknown }> = [];
  private errorHandlers: Array<(e: unknown) => void> = [];
  whenSynced(): Promise<void> { return Promise.resolve(); }
  onError(handler: (error: unknown) => void): void { this.errorHandlers.push(handler); }
  fail(error: unknown): void { for (const h of this.errorHandlers) h(error); }
  start(): Promise<{ ok: boolean; error?: unknown }> {
    const outcome = this.outcomes.shift() ?? { ok: true };
    if (outcome.ok) this.synced = true;
    else this.fail(outcome.error);
    return Promise.resolve(outcome);
  }
  stop(): Promise<void> { return Promise.resolve(); }
}

describe('MappingApiState', () => {
  test('no version yet: the discovery problem', () => {
    const state = new MappingApiState({ apiVersion: undefined, problem: 'the Mapping CRD (mappings.getambassador.io) is not installed or serves no version' });
    expect(state.problem()).toBe('Mapping API unavailable: the Mapping CRD (mappings.getambassador.io) is not installed or serves no version; traffic routing resumes once it is served');
    expect(state.describe()).toContain('not chosen');
  });

  test('a failing start is the problem until a start succeeds; a watch cut alone is not; recovery is announced once', async () => {
    const inner = new StubInformer();
    const webhookDown = Object.assign(new Error('conversion webhook for getambassador.io/v3alpha1, Kind=Mapping failed'), { statusCode: 500 });
    inner.outcomes = [{ ok: false, error: webhookDown }, { ok: true }];
    let recoveries = 0;
    const tracked = new TrackedInformer(inner, () => { recoveries += 1; });
    const state = new MappingApiState({ apiVersion: V2, problem: undefined });
    state.track([tracked]);
    expect(state.problem()).toBe('Mapping API getambassador.io/v2 unavailable: the getambassador.io/v2 mappings cache is not synced yet; traffic routing resumes once it works');
    await tracked.start();
    await tracked.whenSettled();
    expect(state.problem()).toBe('Mapping API getambassador.io/v2 unavailable: listing or watching getambassador.io/v2 mappings fails (HTTP 500: conversion webhook for getambassador.io/v3alpha1, Kind=Mapping failed); traffic routing resumes once it works');
    await tracked.start();
    expect(state.problem()).toBeUndefined();
    expect(recoveries).toBe(1);
    // A watch cut after a good start is no problem while the cache serves and the supervisor relists ...
    inner.fail(new Error('watch closed'));
    expect(state.problem()).toBeUndefined();
    // ... unless listing and watching again fails too.
    inner.outcomes = [{ ok: false, error: new Error('socket hang up') }];
    await tracked.start();
    expect(state.problem()).toContain('fails (socket hang up)');
    await tracked.start();
    expect(state.problem()).toBeUndefined();
    expect(recoveries).toBe(2);
    expect(state.describe()).toBe('Mapping apiVersion getambassador.io/v2');
  });
});

describe('discoverServedMappingVersions', () => {
  const apiError = (code: number) => new k8s.ApiException(code, 'status', { kind: 'Status', code, message: `code ${code}` }, {});
  const resources = (...names: string[]) => Promise.resolve({ kind: 'APIResourceList', groupVersion: 'x', resources: names.map((name) => ({ name, kind: 'K', namespaced: true, singularName: '', verbs: [] })) });

  test('a version is served when its resource list has mappings; 404 means not served; every request is reported', async () => {
    const answers: Record<string, () => Promise<k8s.V1APIResourceList>> = {
      v2: () => resources('hosts', 'mappings'),
      v3alpha1: () => resources('hosts'),
      v9: () => Promise.reject(apiError(404)),
    };
    const recorded: Array<{ verb: string; code: number }> = [];
    const served = await discoverServedMappingVersions(
      { getAPIResources: ({ version }: { group: string; version: string }) => (answers[version] ?? (() => Promise.reject(apiError(404))))() },
      ['getambassador.io/v9', V2, V3],
      (r) => recorded.push({ verb: r.verb, code: r.code }),
    );
    expect(served).toEqual([V2]);
    expect(recorded).toEqual([{ verb: 'discover', code: 404 }, { verb: 'discover', code: 200 }, { verb: 'discover', code: 200 }]);
  });

  test('any other failure is thrown (and retried by the resolver), not taken for "not served"', async () => {
    const custom = { getAPIResources: () => Promise.reject(apiError(503)) };
    await expect(discoverServedMappingVersions(custom, [V2])).rejects.toMatchObject({ statusCode: 503 });
  });
});
