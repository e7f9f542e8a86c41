/**
 * API cost from the controller's own `kanary_kubernetes_requests_total` (verb × resource × code;
 * watches aside): one rollout's life (initial deploy; a 3-step canary promoted through its pauses;
 * an abort) and requests per idle rollout per minute. Each setWeight step (promote → next pause) is
 * accounted write by write: requests, logged actions, and what each status write changed.
 */
import { benchRolloutDocs } from './lib/fixtures.js';
import { countersBy, delta, scrape } from './lib/metrics-text.js';
import type { WatchEvent } from './lib/object-watch.js';
import { writeResult } from './lib/results.js';
import { countEventWrites, countWrites, loggedActions, statusWrites, withoutCodes, type WindowAccount } from './lib/write-account.js';
import { CONTROLLER_FLAGS, createAll, nextHealthy, openSession, patchRollout, setRolloutImage, type BenchSession } from './lib/session.js';
import { single, summarize } from './lib/stats.js';

const NAME = 'cost';
const IDLE_ROLLOUTS = 5;
const IDLE_MS = 60_000;
const STEPS = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }, { setWeight: 90 }, { pause: {} }];

async function counters(session: BenchSession): Promise<Map<string, number>> {
  return countersBy(await scrape(session.metricsUrl), 'kanary_kubernetes_requests_total', ['verb', 'resource', 'code']);
}

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

async function accountStep(session: BenchSession, pauseIndex: number): Promise<WindowAccount> {
  const before = await counters(session);
  const fromMs = Date.now();
  const own = await patchRollout(session, NAME, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: pauseIndex + 1 } }, true);
  await session.rollouts.next(pausedAt(pauseIndex + 2), { sinceMs: fromMs, timeoutMs: 60_000, what: `paused at ${pauseIndex + 2}` });
  await new Promise((r) => setTimeout(r, 1000)); // let the reconcile that reached the pause finish its writes
  const requests = delta(before, await counters(session));
  const toMs = Date.now();
  return {
    requests,
    actions: loggedActions(session.controller.logs, { fromMs, toMs }),
    statusWrites: statusWrites(session.rollouts.events, { name: NAME, fromMs, toMs, ownVersions: own ? [own] : [] }),
  };
}

async function promoteThroughSteps(session: BenchSession, since: number, perStep: WindowAccount[]): Promise<void> {
  await session.rollouts.next(pausedAt(1), { sinceMs: since, timeoutMs: 60_000, what: 'paused at step 1' });
  for (const pauseIndex of [1, 3]) perStep.push(await accountStep(session, pauseIndex));
  const t = Date.now();
  await patchRollout(session, NAME, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 6 } }, true);
  await nextHealthy(session, NAME, t);
}

/** Successive canary Mapping weights seen by the watch since sinceMs (deletion as "deleted"). */
function canaryWeights(session: BenchSession, sinceMs: number): (number | string)[] {
  return session.mappings.events
    .filter((e) => e.atMs >= sinceMs && e.object.metadata?.name === `${NAME}-canary`)
    .map((e) => (e.type === 'DELETED' ? 'deleted' : Number(e.object.spec?.weight)));
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

const total = (d: Record<string, number>): number => Object.values(d).reduce((a, b) => a + b, 0);
const ofMappings = (d: Record<string, number>): number =>
  Object.entries(d).filter(([k]) => /^(create|update) mappings /.test(k)).reduce((a, [, v]) => a + v, 0);

export async function runApiCost(): Promise<void> {
  const session = await openSession('cost');
  try {
    const initial = await measure(session, async () => {
      await createAll(session, benchRolloutDocs({ name: NAME, replicas: 4, image: 'bench/app:c1', steps: STEPS }));
      await nextHealthy(session, NAME, 0);
    });
    const perStep: WindowAccount[] = [];
    const canaryStart = Date.now();
    const canary = await measure(session, async () => {
      await setRolloutImage(session, NAME, 'bench/app:c2');
      await promoteThroughSteps(session, canaryStart, perStep);
    });
    const weightsSeen = canaryWeights(session, canaryStart);
    const abort = await measure(session, () => abortCanary(session));
    const idleCounts = await idle(session);
    const idleRollouts = IDLE_ROLLOUTS + 1;
    const conflicts = (d: Record<string, number>): number => Object.entries(d).filter(([k]) => k.endsWith(' 409')).reduce((a, [, v]) => a + v, 0);
    writeResult('api-cost', {
      initialDeployRequests: single(total(initial), 'requests'),
      threeStepCanaryRequests: single(total(canary), 'requests'),
      threeStepCanaryConflicts: single(conflicts(canary), 'requests'),
      threeStepCanaryMappingWrites: single(ofMappings(canary), 'writes'),
      abortRequests: single(total(abort), 'requests'),
      writesPerSetWeightStep: summarize(perStep.map((a) => countWrites(a.requests, { events: false, conflicts: true })), 'writes'),
      eventWritesPerSetWeightStep: summarize(perStep.map((a) => countEventWrites(a.requests)), 'writes'),
      idleRequestsPerRolloutPerMinute: single(total(idleCounts) / idleRollouts / (IDLE_MS / 60_000), 'requests'),
    }, {
      source: 'kanary_kubernetes_requests_total (verb resource code), watches aside',
      controllerFlags: CONTROLLER_FLAGS,
      byVerbResourceCode: { initialDeploy: initial, threeStepCanary: canary, abort, idle: idleCounts },
      byVerbResource: { initialDeploy: withoutCodes(initial), threeStepCanary: withoutCodes(canary), abort: withoutCodes(abort), idle: idleCounts },
      threeStepCanaryMappingWeightsSeen: weightsSeen,
      perSetWeightStep: perStep,
      note: 'perSetWeightStep: from the promote that ends a pause to the next pause (setWeight step + entering the pause step); writesPerSetWeightStep excludes events (eventWritesPerSetWeightStep) and includes 409s; statusWrites excludes the bench\'s own promote patch',
      idleRollouts,
    });
  } finally {
    await session.close();
  }
}
