/**
 * Rollback latency, as issue 9 defines it: a canary at 50% reaches a step analysis whose only
 * measurement fails (web provider against a loopback check in this process that answers a failing
 * value); measured from that measurement's `finishedAt` (AnalysisRun status, written by the
 * controller with millisecond resolution) to (a) the canary Mapping's weight 0 seen by a watch and
 * (b) the canary Mapping's deletion seen by the watch (after the propagation delay). The time the
 * check answered the failing query (this process's clock) is a second start point. For comparison,
 * the same figure from a manual abort (the `status.abort` patch `kanary abort` sends).
 */
import { failedMeasurementFinishedAt, failingTemplate, startFailingCheck, type FailingCheck } from './lib/failing-check.js';
import { benchRolloutDocs } from './lib/fixtures.js';
import type { WatchEvent } from './lib/object-watch.js';
import { writeResult } from './lib/results.js';
import { CONTROLLER_FLAGS, createAll, nextHealthy, openSession, patchRollout, setRolloutImage, type BenchSession } from './lib/session.js';
import { summarize } from './lib/stats.js';

const ANALYSIS = 'rb';
const ABORT = 'ab';
const canaryOf = (name: string): string => `${name}-canary`;

const canaryAt = (name: string, weight: number) => (e: WatchEvent): boolean =>
  e.object.metadata?.name === canaryOf(name) && e.type !== 'DELETED' && Number(e.object.spec?.weight) === weight;
const canaryZeroOrGone = (name: string) => (e: WatchEvent): boolean =>
  e.object.metadata?.name === canaryOf(name) && (e.type === 'DELETED' || Number(e.object.spec?.weight) === 0);
const canaryGone = (name: string) => (e: WatchEvent): boolean => e.object.metadata?.name === canaryOf(name) && e.type === 'DELETED';
const degraded = (name: string) => (e: WatchEvent): boolean => e.object.metadata?.name === name && e.object.status?.phase === 'Degraded';

interface AnalysisSample {
  toZeroMs: number;
  toDeletedMs: number;
  answerToZeroMs: number;
  answerToFinishedAtMs: number;
  finishedAt: string;
}

async function analysisRun(session: BenchSession, check: FailingCheck, run: number): Promise<AnalysisSample> {
  const since = Date.now();
  await setRolloutImage(session, ANALYSIS, `bench/app:r${run + 2}`);
  const at50 = await session.mappings.next(canaryAt(ANALYSIS, 50), { sinceMs: since, timeoutMs: 60_000, what: `run ${run}: canary at 50` });
  const failed = await session.analysisRuns.next((e) => failedMeasurementFinishedAt(e.object) !== undefined, { sinceMs: at50.atMs, timeoutMs: 60_000, what: 'failed measurement' });
  const finishedAt = failedMeasurementFinishedAt(failed.object) ?? '';
  const finishedAtMs = Date.parse(finishedAt);
  const zero = await session.mappings.next(canaryZeroOrGone(ANALYSIS), { sinceMs: at50.atMs, timeoutMs: 30_000, what: 'weight 0' });
  const gone = await session.mappings.next(canaryGone(ANALYSIS), { sinceMs: at50.atMs, timeoutMs: 30_000, what: 'canary Mapping deleted' });
  await session.rollouts.next(degraded(ANALYSIS), { sinceMs: at50.atMs, timeoutMs: 30_000, what: 'Degraded' });
  const answeredAtMs = check.answeredAtMs.find((t) => t >= at50.atMs) ?? Number.NaN;
  return {
    toZeroMs: zero.atMs - finishedAtMs,
    toDeletedMs: gone.atMs - finishedAtMs,
    answerToZeroMs: zero.atMs - answeredAtMs,
    answerToFinishedAtMs: finishedAtMs - answeredAtMs,
    finishedAt,
  };
}

async function abortRun(session: BenchSession, run: number): Promise<number> {
  const since = Date.now();
  await setRolloutImage(session, ABORT, `bench/app:a${run + 2}`);
  await session.mappings.next(canaryAt(ABORT, 50), { sinceMs: since, timeoutMs: 60_000, what: `abort run ${run}: canary at 50` });
  await session.rollouts.next((e) => e.object.metadata?.name === ABORT && e.object.status?.phase === 'Paused', { sinceMs: since, timeoutMs: 60_000, what: 'Paused' });
  const abortedAt = Date.now();
  await patchRollout(session, ABORT, { status: { abort: true } }, true);
  const zero = await session.mappings.next(canaryZeroOrGone(ABORT), { sinceMs: abortedAt, timeoutMs: 30_000, what: 'weight 0' });
  await session.mappings.next(canaryGone(ABORT), { sinceMs: abortedAt, timeoutMs: 30_000, what: 'canary Mapping deleted' });
  await session.rollouts.next(degraded(ABORT), { sinceMs: abortedAt, timeoutMs: 30_000, what: 'Degraded' });
  return zero.atMs - abortedAt;
}

/** Fractional seconds in an RFC 3339 time: 3 digits = millisecond resolution. */
const fractionDigits = (time: string): number => /\.(\d+)/.exec(time)?.[1]?.length ?? 0;

async function deploy(session: BenchSession, check: FailingCheck): Promise<void> {
  const analysisSteps = [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'always-fails' }] } }, { pause: {} }];
  await createAll(session, [failingTemplate(check.url), ...benchRolloutDocs({ name: ANALYSIS, replicas: 2, image: 'bench/app:r1', steps: analysisSteps })]);
  await createAll(session, benchRolloutDocs({ name: ABORT, replicas: 2, image: 'bench/app:a1', steps: [{ setWeight: 50 }, { pause: {} }] }));
  await Promise.all([nextHealthy(session, ANALYSIS, 0), nextHealthy(session, ABORT, 0)]);
}

export async function runRollbackLatency(runs = 20): Promise<void> {
  const check = await startFailingCheck();
  const session = await openSession('rollback');
  try {
    await deploy(session, check);
    const samples: AnalysisSample[] = [];
    for (let run = 0; run < runs; run += 1) {
      const s = await analysisRun(session, check, run);
      samples.push(s);
      console.log(`rollback run ${run + 1}/${runs}: finishedAt ${s.finishedAt} → weight 0 after ${s.toZeroMs} ms (${s.answerToZeroMs} ms after the check answered), Mapping deleted after ${s.toDeletedMs} ms`);
    }
    const abortToZero: number[] = [];
    for (let run = 0; run < runs; run += 1) abortToZero.push(await abortRun(session, run));
    console.log(`abort → weight 0: ${abortToZero.join(' ')} ms`);
    const pick = (key: keyof Omit<AnalysisSample, 'finishedAt'>): number[] => samples.map((s) => s[key]);
    writeResult('rollback-latency', {
      rollbackToWeightZero: summarize(pick('toZeroMs'), 'ms'),
      rollbackToMappingDeleted: summarize(pick('toDeletedMs'), 'ms'),
      rollbackFromCheckAnswerToWeightZero: summarize(pick('answerToZeroMs'), 'ms'),
      checkAnswerToFinishedAt: summarize(pick('answerToFinishedAtMs'), 'ms'),
      abortToWeightZero: summarize(abortToZero, 'ms'),
    }, {
      trigger: 'a step analysis (web provider, count 1, failureLimit 0) whose measurement fails; abortToWeightZero: the status.abort merge patch `kanary abort` sends',
      start: 'rollbackTo*: the failing measurement\'s finishedAt in the AnalysisRun status; rollbackFromCheckAnswer*: when the bench\'s loopback check answered the failing query',
      stop: 'the canary Mapping event seen by a watch in the bench process',
      finishedAtFractionDigits: Math.min(...samples.map((s) => fractionDigits(s.finishedAt))),
      controllerFlags: CONTROLLER_FLAGS,
      replicas: 2,
      canaryWeight: 50,
      samplesMs: { toZero: pick('toZeroMs'), toDeleted: pick('toDeletedMs'), answerToZero: pick('answerToZeroMs'), abortToZero },
      finishedAt: samples.map((s) => s.finishedAt),
    });
  } finally {
    await session.close();
    await check.close();
  }
}
