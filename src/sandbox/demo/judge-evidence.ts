/**
 * What the demo says about its analysis (pure): the statistical judge's evidence from the
 * AnalysisRuns' status (counts per arm, observed ratio, evidence toward abort, verdict), and which
 * gate aborted a release: the judge, or a threshold metric.
 */
import { judgeMeasurementSchema, metricResultSchema, type JudgeMeasurement, type MetricResult } from '../../api/analysis.js';
import { ANALYSIS_KIND_LABEL, STEP_INDEX_LABEL } from '../../api/labels.js';
import { formatEvidence } from '../../core/judge/judge-explain.js';
import { formatJudgeMeasurement } from '../../core/judge/judge-metric.js';
import { isUndecidedJudge } from '../../core/judge/judge-undecided.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The parts of an AnalysisRun the demo reads. */
export interface RunView {
  name: string;
  kind: string;
  /** The step that started a step analysis (0-based), from its label. */
  stepIndex?: number;
  phase: string;
  message: string;
  /** Names of the metrics with a `judge` block. */
  judgedMetrics: string[];
  results: MetricResult[];
}

function readResults(status: Obj): MetricResult[] {
  const raw = Array.isArray(status.metricResults) ? (status.metricResults as unknown[]) : [];
  return raw.flatMap((r) => {
    const parsed = metricResultSchema.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

function readStepIndex(labels: Obj): number | undefined {
  const text = labels[STEP_INDEX_LABEL];
  return typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : undefined;
}

const textOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

function judgedMetricNames(spec: Obj): string[] {
  const metrics = Array.isArray(spec.metrics) ? (spec.metrics as Obj[]) : [];
  return metrics.filter((m) => m.judge !== undefined && typeof m.name === 'string').map((m) => String(m.name));
}

/** An AnalysisRun as listed from the API server (any object: what it lacks is left out). */
export function readRunView(raw: unknown): RunView | undefined {
  const run = (raw ?? {}) as Obj;
  const metadata = (run.metadata ?? {}) as Obj;
  if (typeof metadata.name !== 'string') return undefined;
  const labels = (metadata.labels ?? {}) as Obj;
  const status = (run.status ?? {}) as Obj;
  const stepIndex = readStepIndex(labels);
  return {
    name: metadata.name,
    kind: textOr(labels[ANALYSIS_KIND_LABEL], 'unknown'),
    ...(stepIndex === undefined ? {} : { stepIndex }),
    phase: textOr(status.phase, 'Pending'),
    message: textOr(status.message, ''),
    judgedMetrics: judgedMetricNames((run.spec ?? {}) as Obj),
    results: readResults(status),
  };
}

export interface JudgeEvidence {
  run: string;
  metric: string;
  /** The metric's phase (a terminated, undecided judge is Inconclusive: "judge undecided"). */
  phase: string;
  /** Judged intervals' totals per arm. */
  canaryRequests: number;
  canaryErrors: number;
  baselineRequests: number;
  baselineErrors: number;
  /** The latest judged measurement: observed ratio, evidence and its threshold. */
  latest?: JudgeMeasurement;
  verdict?: 'fail' | 'pass' | 'inconclusive';
  /** The run ended without the judge deciding (terminated at promotion or abort). */
  terminated: boolean;
}

function latestJudged(result: MetricResult): JudgeMeasurement | undefined {
  const raw = [...result.measurements].reverse().find((m) => m.judge !== undefined)?.judge;
  const parsed = judgeMeasurementSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

type JudgeState = NonNullable<MetricResult['judge']>['state'];

function totalsOf(state: JudgeState | undefined): Pick<JudgeEvidence, 'canaryRequests' | 'canaryErrors' | 'baselineRequests' | 'baselineErrors'> {
  if (state === undefined) return { canaryRequests: 0, canaryErrors: 0, baselineRequests: 0, baselineErrors: 0 };
  const { canaryRequests, canaryErrors, baselineRequests, baselineErrors } = state;
  return { canaryRequests, canaryErrors, baselineRequests, baselineErrors };
}

function evidenceOf(run: RunView, result: MetricResult): JudgeEvidence {
  const state = result.judge?.state;
  const latest = latestJudged(result);
  const verdict = state?.verdict?.outcome;
  return {
    run: run.name,
    metric: result.name,
    phase: result.phase,
    ...totalsOf(state),
    ...(latest ? { latest } : {}),
    ...(verdict ? { verdict } : {}),
    terminated: verdict === undefined && (isUndecidedJudge(result) || run.message === 'Run Terminated'),
  };
}

/** The evidence of every judged metric of the run that has measured at least once. */
export function readJudgeEvidence(run: RunView): JudgeEvidence[] {
  return run.results.filter((r) => run.judgedMetrics.includes(r.name) && r.judge !== undefined).map((r) => evidenceOf(run, r));
}

const count = (n: number): string => String(Math.round(n * 100) / 100);

const VERDICTS: Record<NonNullable<JudgeEvidence['verdict']>, string> = {
  fail: 'verdict: canary worse than stable, abort',
  pass: 'verdict: canary no worse than stable, promoted early',
  inconclusive: 'verdict: inconclusive',
};

function verdictText(e: JudgeEvidence): string | undefined {
  if (e.verdict !== undefined) return VERDICTS[e.verdict];
  return e.terminated ? 'no verdict: the run was terminated first' : undefined;
}

/**
 * One line, e.g. `canary 6 errors in 21 requests, stable 0 in 190; errors in the canary only,
 * evidence 1.1e+3 of 100 to abort; verdict: canary worse than stable, abort`.
 */
export function formatJudgeEvidence(e: JudgeEvidence): string {
  if (e.latest?.interval === 'firstScrape') {
    return `first counter reading, intervals are judged from the next one; evidence ${formatEvidence(e.latest.abortEvidence)} of ${formatEvidence(e.latest.abortThreshold)} to abort`;
  }
  const counts = `canary ${count(e.canaryErrors)} ${e.canaryErrors === 1 ? 'error' : 'errors'} in ${count(e.canaryRequests)} requests, stable ${count(e.baselineErrors)} in ${count(e.baselineRequests)}`;
  const evidence = e.latest === undefined ? 'no judged interval yet' : formatJudgeMeasurement(e.latest);
  return [counts, evidence, verdictText(e)].filter((p): p is string => p !== undefined).join('; ');
}

/** What must change for the narration to print a judge's line again: the evidence, ratio or verdict. */
export function judgeNarrationKey(e: JudgeEvidence): string {
  const evidence = e.latest === undefined ? '-' : formatEvidence(e.latest.abortEvidence);
  return [e.phase, evidence, e.latest?.observedRatio ?? '-', e.verdict ?? '-', e.terminated].join('|');
}

/** The lines to print for the runs now, and the keys to remember (pure). */
export function selectJudgeNarration(runs: readonly RunView[], printed: ReadonlyMap<string, string>): { lines: string[]; printed: Map<string, string> } {
  const next = new Map(printed);
  const lines: string[] = [];
  for (const e of runs.flatMap(readJudgeEvidence)) {
    const id = `${e.run}/${e.metric}`;
    const key = judgeNarrationKey(e);
    if (next.get(id) === key) continue;
    next.set(id, key);
    lines.push(`  judge "${e.metric}" (${e.run}): ${formatJudgeEvidence(e)}`);
  }
  return { lines, printed: next };
}

export interface GateFailure {
  run: string;
  /** `background` or `step` (the run's analysis-kind label). */
  kind: string;
  stepIndex?: number;
  metric: string;
  /** A metric with a `judge` block (else a threshold: success/failure conditions). */
  judged: boolean;
  phase: 'Failed' | 'Error';
  message: string;
  /** When its failing measurement finished (ms), if known. */
  atMs?: number;
}

function failingAt(result: MetricResult): number | undefined {
  const failing = [...result.measurements].reverse().find((m) => m.phase === 'Failed' || m.phase === 'Error');
  const at = failing?.finishedAt === undefined ? Number.NaN : Date.parse(failing.finishedAt);
  return Number.isNaN(at) ? undefined : at;
}

function failuresOf(run: RunView): GateFailure[] {
  return run.results.filter((r) => r.phase === 'Failed' || r.phase === 'Error').map((r) => {
    const atMs = failingAt(r);
    return {
      run: run.name, kind: run.kind, ...(run.stepIndex === undefined ? {} : { stepIndex: run.stepIndex }),
      metric: r.name, judged: run.judgedMetrics.includes(r.name), phase: r.phase as 'Failed' | 'Error',
      message: r.message ?? '', ...(atMs === undefined ? {} : { atMs }),
    };
  });
}

/** The metric that failed first among the runs (the one that aborted the release), if any. */
export function findAbortingGate(runs: readonly RunView[]): GateFailure | undefined {
  const failures = runs.flatMap(failuresOf);
  return failures.reduce<GateFailure | undefined>((first, f) => (first === undefined || (f.atMs ?? Infinity) < (first.atMs ?? Infinity) ? f : first), undefined);
}

/** e.g. `the judge "errors-vs-stable" (background analysis demo-x-3)`. */
export function describeGate(g: GateFailure): string {
  const where = g.kind === 'step' ? `step analysis ${g.run}${g.stepIndex === undefined ? '' : `, step ${g.stepIndex + 1}`}` : `${g.kind} analysis ${g.run}`;
  return `${g.judged ? 'the judge' : 'the threshold'} "${g.metric}" (${where})`;
}
