/**
 * Step latency (canary ReplicaSet reaching the available count a setWeight step needs → canary
 * Mapping weight seen by a watch) and timed pause precision (pause seen starting → step index
 * seen moving on, minus the configured duration).
 */
import type { WatchEvent } from './lib/object-watch.js';
import { benchRolloutDocs } from './lib/fixtures.js';
import { writeResult } from './lib/results.js';
import { CONTROLLER_FLAGS, controllerWarnings, createAll, nextHealthy, openSession, setRolloutImage, type BenchSession } from './lib/session.js';
import { summarize } from './lib/stats.js';

const NAME = 'step';
const REPLICAS = 4;
const PAUSE_MS = 2000;
const WEIGHTS = [25, 50, 75];
const STEPS = WEIGHTS.flatMap((w) => [{ setWeight: w }, { pause: { duration: `${PAUSE_MS / 1000}s` } }]);

interface RunSamples {
  stepMs: number[];
  pauseErrorMs: number[];
}

const named = (e: WatchEvent): boolean => e.object.metadata?.name === NAME;

async function canaryHash(session: BenchSession, since: number): Promise<string> {
  const event = await session.rollouts.next((e) => named(e) && e.object.status?.currentPodHash !== e.object.status?.stableRS, { sinceMs: since, timeoutMs: 30_000, what: 'new revision' });
  return String(event.object.status.currentPodHash);
}

async function stepSample(session: BenchSession, input: { hash: string; weight: number; since: number }): Promise<number> {
  const needed = Math.ceil((input.weight * REPLICAS) / 100);
  const available = await session.replicaSets.next(
    (e) => e.object.metadata?.name === `${NAME}-${input.hash}` && Number(e.object.status?.availableReplicas ?? 0) >= needed,
    { sinceMs: input.since, timeoutMs: 60_000, what: `canary available ${needed}` },
  );
  const written = await session.mappings.next(
    (e) => e.object.metadata?.name === `${NAME}-canary` && Number(e.object.spec?.weight) === input.weight,
    { sinceMs: input.since, timeoutMs: 60_000, what: `weight ${input.weight}` },
  );
  return written.atMs - available.atMs;
}

async function pauseSample(session: BenchSession, pauseIndex: number, since: number): Promise<number> {
  const started = await session.rollouts.next(
    (e) => named(e) && e.object.status?.currentStepIndex === pauseIndex && (e.object.status?.pauseConditions ?? []).length > 0,
    { sinceMs: since, timeoutMs: 60_000, what: `pause ${pauseIndex}` },
  );
  const ended = await session.rollouts.next(
    (e) => named(e) && Number(e.object.status?.currentStepIndex) > pauseIndex,
    { sinceMs: started.atMs, timeoutMs: 60_000, what: `past pause ${pauseIndex}` },
  );
  return ended.atMs - started.atMs - PAUSE_MS;
}

async function oneRun(session: BenchSession, run: number, into: RunSamples): Promise<void> {
  const since = Date.now();
  await setRolloutImage(session, NAME, `bench/app:s${run + 2}`);
  const hash = await canaryHash(session, since);
  for (const [i, weight] of WEIGHTS.entries()) {
    into.stepMs.push(await stepSample(session, { hash, weight, since }));
    into.pauseErrorMs.push(await pauseSample(session, i * 2 + 1, since));
  }
  // Healthy on THIS revision: a late event of the previous revision's Healthy status (delivered
  // after `since`) must not end the run early, or the next run would measure this run's ReplicaSet.
  await session.rollouts.next(
    (e) => named(e) && e.object.status?.phase === 'Healthy' && e.object.status?.stableRS === hash,
    { sinceMs: since, timeoutMs: 120_000, what: `${NAME} Healthy on ${hash}` },
  );
}

export async function runStepLatency(runs = 7): Promise<void> {
  const session = await openSession('step');
  try {
    await createAll(session, benchRolloutDocs({ name: NAME, replicas: REPLICAS, image: 'bench/app:s1', steps: STEPS }));
    await nextHealthy(session, NAME, 0);
    const samples: RunSamples = { stepMs: [], pauseErrorMs: [] };
    for (let run = 0; run < runs; run += 1) {
      await oneRun(session, run, samples);
      console.log(`step run ${run + 1}/${runs}: step ${samples.stepMs.slice(-3).join('/')} ms, pause error ${samples.pauseErrorMs.slice(-3).join('/')} ms`);
    }
    writeResult('step-latency', {
      stepLatency: summarize(samples.stepMs, 'ms'),
      pausePrecision: summarize(samples.pauseErrorMs, 'ms'),
    }, { controllerFlags: CONTROLLER_FLAGS, replicas: REPLICAS, steps: STEPS, samplesMs: samples, controllerWarnings: controllerWarnings(session) });
  } finally {
    await session.close();
  }
}
