/**
 * Rollback latency: a canary at 50% is aborted (status.abort, the patch `kanary abort` sends);
 * measured from the moment the patch is sent to (a) the canary Mapping's weight 0 seen by a watch
 * and (b) the canary Mapping's deletion seen by the watch (after the propagation delay).
 */
import { benchRolloutDocs } from './lib/fixtures.js';
import type { WatchEvent } from './lib/object-watch.js';
import { writeResult } from './lib/results.js';
import { CONTROLLER_FLAGS, createAll, nextHealthy, openSession, patchRollout, setRolloutImage, type BenchSession } from './lib/session.js';
import { summarize } from './lib/stats.js';

const NAME = 'rb';
const CANARY = `${NAME}-canary`;

const canaryAt = (weight: number) => (e: WatchEvent): boolean =>
  e.object.metadata?.name === CANARY && e.type !== 'DELETED' && Number(e.object.spec?.weight) === weight;
const canaryZeroOrGone = (e: WatchEvent): boolean =>
  e.object.metadata?.name === CANARY && (e.type === 'DELETED' || Number(e.object.spec?.weight) === 0);
const canaryGone = (e: WatchEvent): boolean => e.object.metadata?.name === CANARY && e.type === 'DELETED';

async function oneRun(session: BenchSession, run: number): Promise<{ toZeroMs: number; toDeletedMs: number }> {
  const since = Date.now();
  await setRolloutImage(session, NAME, `bench/app:r${run + 2}`);
  await session.mappings.next(canaryAt(50), { sinceMs: since, timeoutMs: 60_000, what: `run ${run}: canary at 50` });
  await session.rollouts.next((e) => e.object.status?.phase === 'Paused', { sinceMs: since, timeoutMs: 60_000, what: 'Paused' });
  const abortedAt = Date.now();
  await patchRollout(session, NAME, { status: { abort: true } }, true);
  const zero = await session.mappings.next(canaryZeroOrGone, { sinceMs: abortedAt, timeoutMs: 30_000, what: 'weight 0' });
  const gone = await session.mappings.next(canaryGone, { sinceMs: abortedAt, timeoutMs: 30_000, what: 'canary Mapping deleted' });
  await session.rollouts.next((e) => e.object.status?.phase === 'Degraded', { sinceMs: abortedAt, timeoutMs: 30_000, what: 'Degraded' });
  return { toZeroMs: zero.atMs - abortedAt, toDeletedMs: gone.atMs - abortedAt };
}

export async function runRollbackLatency(runs = 20): Promise<void> {
  const session = await openSession('rollback');
  try {
    await createAll(session, benchRolloutDocs({ name: NAME, replicas: 2, image: 'bench/app:r1', steps: [{ setWeight: 50 }, { pause: {} }] }));
    await nextHealthy(session, NAME, 0);
    const toZero: number[] = [];
    const toDeleted: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const result = await oneRun(session, run);
      toZero.push(result.toZeroMs);
      toDeleted.push(result.toDeletedMs);
      console.log(`rollback run ${run + 1}/${runs}: weight 0 after ${result.toZeroMs} ms, Mapping deleted after ${result.toDeletedMs} ms`);
    }
    writeResult('rollback-latency', {
      rollbackToWeightZero: summarize(toZero, 'ms'),
      rollbackToMappingDeleted: summarize(toDeleted, 'ms'),
    }, { trigger: 'status.abort merge patch (what `kanary abort` sends)', controllerFlags: CONTROLLER_FLAGS, replicas: 2, canaryWeight: 50, samplesMs: { toZero, toDeleted } });
  } finally {
    await session.close();
  }
}
