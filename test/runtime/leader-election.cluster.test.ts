import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { createSystemClock } from '../../src/runtime/clock.js';
import { LeaderElector } from '../../src/runtime/leader-election.js';
import { createSilentLogger } from '../../src/telemetry/logger.js';
import { proxiedKubeConfig, type TcpProxy } from './tcp-proxy.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('runtime-lease');
const clock = createSystemClock();

interface Candidate {
  elector: LeaderElector;
  identity: string;
  started: number;
  stopped: number;
}

const FAST = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 };

function candidate(
  identity: string,
  lease: string,
  options: { kc?: k8s.KubeConfig; timings?: typeof FAST } = {},
): Candidate {
  const c: Candidate = { identity, started: 0, stopped: 0, elector: undefined as unknown as LeaderElector };
  c.elector = new LeaderElector({
    coordination: (options.kc ?? ns.kc).makeApiClient(k8s.CoordinationV1Api),
    namespace: ns.name, name: lease, identity, clock, logger: createSilentLogger(),
    ...(options.timings ?? FAST),
    onStartedLeading: () => { c.started += 1; },
    onStoppedLeading: () => { c.stopped += 1; },
  });
  return c;
}

async function readLease(name: string): Promise<k8s.V1Lease> {
  return ns.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name, namespace: ns.name });
}

describe('LeaderElector against the local API server', () => {
  const running: Candidate[] = [];
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.elector.stop()));
    await proxy?.stop();
    proxy = undefined;
  });

  function startAll(...cs: Candidate[]): void {
    for (const c of cs) {
      running.push(c);
      c.elector.start();
    }
  }

  test('of two candidates exactly one leads, and the Lease names it', async () => {
    const a = candidate('a', 'one-leader');
    const b = candidate('b', 'one-leader');
    startAll(a, b);
    const leader = await waitFor(() => [a, b].find((c) => c.elector.isLeader), { timeoutMs: 10_000, description: 'a leader' });
    for (let i = 0; i < 10; i += 1) {
      expect([a, b].filter((c) => c.elector.isLeader)).toEqual([leader]);
      await new Promise((r) => setTimeout(r, 200));
    }
    const lease = await readLease('one-leader');
    expect(lease.spec?.holderIdentity).toBe(leader.identity);
    expect(lease.spec?.leaseDurationSeconds).toBe(3);
    expect(String(lease.spec?.renewTime)).toMatch(/\.\d{6}Z$/);
    expect(leader.started).toBe(1);
    expect(a.started + b.started).toBe(1);
  });

  test('release() empties the Lease so a standby takes over without waiting for expiry', async () => {
    const slow = { leaseDurationMs: 60_000, renewDeadlineMs: 10_000, retryPeriodMs: 300 };
    const a = candidate('a', 'released', { timings: slow });
    startAll(a);
    await waitFor(() => a.elector.isLeader, { timeoutMs: 10_000, description: 'a leads' });
    await a.elector.stop();
    running.splice(running.indexOf(a), 1);
    expect(a.stopped).toBe(1);
    const released = await readLease('released');
    expect(released.spec?.holderIdentity ?? '').toBe('');
    expect(released.spec?.leaseDurationSeconds).toBe(1);

    const b = candidate('b', 'released', { timings: slow });
    startAll(b);
    // b has only just seen the lease: had it still named a, b would wait 60 s.
    await waitFor(() => b.elector.isLeader, { timeoutMs: 10_000, description: 'b takes over' });
    const lease = await readLease('released');
    expect(lease.spec?.holderIdentity).toBe('b');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  test('a leader that dies without releasing is replaced only after the lease expires', async () => {
    const a = candidate('a', 'crashed');
    startAll(a);
    await waitFor(() => a.elector.isLeader, { timeoutMs: 10_000, description: 'a leads' });
    const b = candidate('b', 'crashed');
    startAll(b);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(b.elector.isLeader).toBe(false);

    await a.elector.stop({ release: false });
    running.splice(running.indexOf(a), 1);
    const killedAt = Date.now();
    expect((await readLease('crashed')).spec?.holderIdentity).toBe('a');
    await waitFor(() => b.elector.isLeader, { timeoutMs: 20_000, description: 'b takes over after expiry' });
    // b judged expiry from when it last saw the lease change, which is at most one retry period
    // before a stopped renewing: it cannot have taken over a live lease.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(FAST.leaseDurationMs - FAST.retryPeriodMs - 100);
    expect((await readLease('crashed')).spec?.holderIdentity).toBe('b');
  });

  test('a leader cut off from the API server steps down at the renew deadline; the other takes over', async () => {
    const viaProxy = await proxiedKubeConfig(ns.kc);
    proxy = viaProxy.proxy;
    const a = candidate('a', 'partitioned', { kc: viaProxy.kc });
    startAll(a);
    await waitFor(() => a.elector.isLeader, { timeoutMs: 10_000, description: 'a leads' });
    const b = candidate('b', 'partitioned');
    startAll(b);
    await proxy.cut();
    await waitFor(() => !a.elector.isLeader, { timeoutMs: 10_000, description: 'a steps down' });
    expect(a.stopped).toBe(1);
    await waitFor(() => b.elector.isLeader, { timeoutMs: 20_000, description: 'b takes over' });
    expect(a.elector.isLeader).toBe(false);
  });
});
