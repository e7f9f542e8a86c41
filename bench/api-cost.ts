/**
 * API cost from the controller's own `kanary_kubernetes_requests_total` (verb × resource; watches
 * aside): one rollout's life (initial deploy; a 3-step canary promoted through its pauses; an
 * abort) and requests per idle rollout per minute.
 */
import { benchRolloutDocs } from './lib/fixtures.js';
import { countersBy, delta, scrape } from './lib/metrics-text.js';
import type { WatchEvent } from './lib/object-watch.js';
import { writeResult } from './lib/results.js';
import { CONTROLLER_FLAGS, createAll, nextHealthy, openSession, patchRollout, setRolloutImage, type BenchSession } from './lib/session.js';
import { single, summarize } from './lib/stats.js';

const NAME = 'cost';
const IDLE_ROLLOUTS = 5;
const IDLE_MS = 60_000;
const STEPS = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }, { setWeight: 90 }, { pause: {} }];
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);

async function counters(session: BenchSession): Promise<Map<string, number>> {
  return countersBy(await scrape(session.metricsUrl), 'kanary_kubernetes_requests_total', ['verb', 'resource']);
}

const writesOf = (d: Record<string, number>, withEvents = true): number =>
  Object.entries(d)
    .filter(([k]) => WRITE_VERBS.has(k.split(' ')[0] ?? '') && (withEvents || !k.endsWith(' events')))
    .reduce((sum, [, v]) => sum + v, 0);

const pausedAt = (index: number) => (e: WatchEvent): boolean =>
  e.object.metadata?.name === NAME && e.object.status?.currentStepIndex === index && e.object.status?.phase === 'Paused';

/** Scale-down delays and Mapping deletion finish: wait until the controller stops writing. */
async function settle(session: BenchSession): Promise<void> {
  let last = await counters(session);
  for (;;) {
    await new Promise((r) => setTimeout(r, 3000));
    const now = await counters(session);
    if (Object.keys(delta(last, now)).length === 0) return;
    last = now;
  }
}

async function measure(session: BenchSession, work: () => Promise<void>): Promise<Record<string, number>> {
  const before = await counters(session);
  await work();
  await settle(session);
  return delta(before, await counters(session));
}

async function promoteThroughSteps(session: BenchSession, since: number, perStep: Record<string, number>[]): Promise<void> {
  await session.rollouts.next(pausedAt(1), { sinceMs: since, timeoutMs: 60_000, what: 'paused at step 1' });
  for (const pauseIndex of [1, 3]) {
    const before = await counters(session);
    const t = Date.now();
    await patchRollout(session, NAME, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: pauseIndex + 1 } }, true);
    await session.rollouts.next(pausedAt(pauseIndex + 2), { sinceMs: t, timeoutMs: 60_000, what: `paused at ${pauseIndex + 2}` });
    perStep.push(delta(before, await counters(session)));
  }
  const t = Date.now();
  await patchRollout(session, NAME, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 6 } }, true);
  await nextHealthy(session, NAME, t);
}

async function abortCanary(session: BenchSession): Promise<void> {
  const since = Date.now();
  await setRolloutImage(session, NAME, 'bench/app:c3');
  await session.rollouts.next(pausedAt(1), { sinceMs: since, timeoutMs: 60_000, what: 'paused at step 1' });
  await patchRollout(session, NAME, { status: { abort: true } }, true);
  await session.rollouts.next((e) => e.object.status?.phase === 'Degraded', { sinceMs: since, timeoutMs: 30_000, what: 'Degraded' });
}

async function idle(session: BenchSession): Promise<Record<string, number>> {
  for (let i = 0; i < IDLE_ROLLOUTS; i += 1) {
    await createAll(session, benchRolloutDocs({ name: `idle${i}`, replicas: 1, image: 'bench/app:i1', steps: STEPS }));
  }
  for (let i = 0; i < IDLE_ROLLOUTS; i += 1) await nextHealthy(session, `idle${i}`, 0);
  await settle(session);
  const before = await counters(session);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  return delta(before, await counters(session));
}

export async function runApiCost(): Promise<void> {
  const session = await openSession('cost');
  try {
    const initial = await measure(session, async () => {
      await createAll(session, benchRolloutDocs({ name: NAME, replicas: 4, image: 'bench/app:c1', steps: STEPS }));
      await nextHealthy(session, NAME, 0);
    });
    const perStep: Record<string, number>[] = [];
    const canary = await measure(session, async () => {
      const since = Date.now();
      await setRolloutImage(session, NAME, 'bench/app:c2');
      await promoteThroughSteps(session, since, perStep);
    });
    const abort = await measure(session, () => abortCanary(session));
    const idleCounts = await idle(session);
    const idleTotal = Object.values(idleCounts).reduce((a, b) => a + b, 0);
    const idleRollouts = IDLE_ROLLOUTS + 1;
    const perStepWrites = perStep.map((d) => writesOf(d));
    writeResult('api-cost', {
      initialDeployRequests: single(Object.values(initial).reduce((a, b) => a + b, 0), 'requests'),
      threeStepCanaryRequests: single(Object.values(canary).reduce((a, b) => a + b, 0), 'requests'),
      abortRequests: single(Object.values(abort).reduce((a, b) => a + b, 0), 'requests'),
      writesPerSetWeightStep: summarize(perStepWrites, 'writes'),
      writesPerSetWeightStepWithoutEvents: summarize(perStep.map((d) => writesOf(d, false)), 'writes'),
      idleRequestsPerRolloutPerMinute: single(idleTotal / idleRollouts / (IDLE_MS / 60_000), 'requests'),
    }, {
      source: 'kanary_kubernetes_requests_total (verb resource), watches aside',
      controllerFlags: CONTROLLER_FLAGS,
      byVerbResource: { initialDeploy: initial, threeStepCanary: canary, abort, idle: idleCounts },
      perSetWeightStep: perStep,
      note: 'perSetWeightStep: from the promote that ends a pause to the next pause (setWeight step + pause step)',
      idleRollouts,
    });
  } finally {
    await session.close();
  }
}
