// Pure renderers of `kanary backtest`: one line per measurement (instant, run, metric, value
// rounded for people, phase, why), each window's outcome and the verdict; or all of it as JSON
// with the raw values.
import type { BacktestExitCode, BacktestOutcome } from '../core/backtest-verdict.js';
import type { MeasurementRecord, WindowReport } from '../analysis/backtest/backtest-window.js';
import { formatInstant } from './backtest-time.js';

function roundNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}

/** A recorded value (JSON text) for people: numbers to 4 significant digits, lists likewise, a one-value vector as its value. */
export function formatMeasuredValue(text: string | undefined): string {
  if (text === undefined) return '-';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed === 'number') return roundNumber(parsed);
  if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'number')) {
    return parsed.length === 1 ? roundNumber(parsed[0] as number) : `[${parsed.map(roundNumber).join(', ')}]`;
  }
  return text;
}

function measurementLine(m: MeasurementRecord): string {
  const why = m.message === undefined || (m.phase === 'Successful' && m.judge === undefined) ? '' : `  ${m.message}`;
  const value = m.judge === undefined ? formatMeasuredValue(m.value) : '';
  return `  ${formatInstant(m.atMs)}  run ${m.run}  ${m.metric}  ${value}${value === '' ? '' : '  '}${m.phase}${why}`;
}

function windowTitle(report: WindowReport, index: number): string {
  const { window } = report;
  const span = `${formatInstant(window.startMs)} to ${formatInstant(window.endMs)}`;
  return window.kind === 'range'
    ? `window ${index + 1}: ${span}, runs back to back`
    : `window ${index + 1}: release at ${formatInstant(window.startMs)}, one run until ${formatInstant(window.endMs)} at the latest`;
}

const OUTCOME_WORD: Readonly<Record<BacktestOutcome, string>> = {
  passed: 'passed',
  failed: 'FAILED',
  inconclusive: 'INCONCLUSIVE (the rollout would have paused for a person)',
  noData: 'NO DATA (not a pass)',
  badInput: 'CANNOT BACKTEST',
};

/** The window's closing line: its outcome, when it was decided and why. */
export function formatWindowOutcome(report: WindowReport): string {
  const when = report.decidedAtMs === undefined ? '' : ` at ${formatInstant(report.decidedAtMs)}`;
  const why = report.message === undefined ? '' : `: ${report.message}`;
  if (report.outcome !== 'passed') return `${OUTCOME_WORD[report.outcome]}${when}${why}`;
  const runs = report.runs.length;
  const terminated = report.runs.at(-1)?.terminated === true ? ', the last one terminated at the window\'s end' : '';
  return `passed: ${report.measurements.length} measurements in ${runs} run${runs === 1 ? '' : 's'}${terminated}`;
}

function verdictLine(windows: readonly WindowReport[], exitCode: BacktestExitCode): string {
  const named = (outcomes: readonly BacktestOutcome[]) => windows
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => outcomes.includes(w.outcome))
    .map(({ w, i }) => `window ${i + 1}${w.decidedAtMs === undefined ? '' : ` at ${formatInstant(w.decidedAtMs)}`}`)
    .join(', ');
  if (exitCode === 0) return `verdict: would have passed throughout (${windows.length} window${windows.length === 1 ? '' : 's'})`;
  if (exitCode === 1) return `verdict: would have failed: ${named(['failed'])}`;
  if (exitCode === 3) return `verdict: would have paused (inconclusive): ${named(['inconclusive'])}`;
  return `verdict: cannot tell: ${named(['noData', 'badInput']) || 'no window'}`;
}

export function renderBacktestText(windows: readonly WindowReport[], exitCode: BacktestExitCode): string {
  const lines: string[] = [];
  windows.forEach((report, i) => {
    lines.push(windowTitle(report, i));
    lines.push(...report.measurements.map(measurementLine));
    lines.push(`  ${formatWindowOutcome(report)}`);
  });
  lines.push(verdictLine(windows, exitCode));
  return `${lines.join('\n')}\n`;
}

function measurementJson(m: MeasurementRecord) {
  return { time: formatInstant(m.atMs), run: m.run, metric: m.metric, phase: m.phase, value: m.value, display: m.judge === undefined ? formatMeasuredValue(m.value) : undefined, message: m.message, judge: m.judge };
}

export function renderBacktestJson(windows: readonly WindowReport[], exitCode: BacktestExitCode): string {
  const body = {
    exitCode,
    windows: windows.map((w) => ({
      kind: w.window.kind,
      from: formatInstant(w.window.startMs),
      to: formatInstant(w.window.endMs),
      outcome: w.outcome,
      decidedAt: w.decidedAtMs === undefined ? undefined : formatInstant(w.decidedAtMs),
      message: w.message,
      metricsWithoutData: w.metricsWithoutData,
      runs: w.runs.map((r) => ({ from: formatInstant(r.startMs), to: formatInstant(r.endMs), phase: r.phase, outcome: r.outcome, terminated: r.terminated, message: r.message })),
      measurements: w.measurements.map(measurementJson),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
