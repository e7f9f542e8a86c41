/** Markdown for the judge benchmark: the summary section of docs/benchmarks.md and the full per-cell table. */
import type { Machine } from '../lib/results.js';
import type { Cell } from './scenario.js';
import { INTERVALS_PER_RELEASE } from './scenario.js';
import type { TunedComparison } from './tuned-comparison.js';
import { renderTunedCellTable, renderTunedSection } from './render-tuned.js';
import { mergeTallies, summarizeTally, type Tally, type TallySummary } from './tally.js';

export interface CellResult extends Cell {
  ratio: number;
  rule: string;
  tally: Tally;
  summary: TallySummary;
}

export interface BenchOutcome {
  date: string;
  machine: Machine;
  commit?: string;
  releasesPerCell: number;
  seed: number;
  durationSeconds: number;
  /** CPU time of the process (user + system) during the run. */
  cpuSeconds: number;
  rules: string[];
  /** Threshold rules in the tuning grid. */
  gridRules: number;
  cells: CellResult[];
  tuned: TunedComparison[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function compact(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

const unique = (values: readonly number[]): number[] => [...new Set(values)].sort((a, b) => a - b);

function pick(outcome: BenchOutcome, filter: (c: CellResult) => boolean): TallySummary {
  return summarizeTally(mergeTallies(outcome.cells.filter(filter).map((c) => c.tally)));
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(titles: readonly string[], alignRightFrom = 1): string[] {
  return [row(titles), row(titles.map((_, i) => (i < alignRightFrom ? '---' : '---:')))];
}

function healthyTable(outcome: BenchOutcome): string[] {
  const traffic = unique(outcome.cells.map((c) => c.trafficPerSecond));
  const bases = unique(outcome.cells.map((c) => c.baseErrorRate));
  const columns = traffic.flatMap((t) => bases.map((b) => ({ t, b })));
  const lines = header(['rule', ...columns.map(({ t, b }) => `${t}/s, ${b * 100}%`), 'worst cell']);
  for (const rule of outcome.rules) {
    const healthy = outcome.cells.filter((c) => c.rule === rule && c.ratio === 1);
    const values = columns.map(({ t, b }) => pct(pick(outcome, (c) => c.rule === rule && c.ratio === 1 && c.trafficPerSecond === t && c.baseErrorRate === b).abortRate));
    const worst = Math.max(...healthy.map((c) => c.summary.abortRate));
    lines.push(row([rule, ...values, pct(worst)]));
  }
  return lines;
}

function detectionCell(s: TallySummary): string {
  if (s.medianRequestsToAbort === undefined) return pct(s.abortRate);
  return `${pct(s.abortRate)} · ${compact(s.medianRequestsToAbort)} / ${compact(s.p90RequestsToAbort)}`;
}

function detectionTable(outcome: BenchOutcome, ratio: number): string[] {
  const traffic = unique(outcome.cells.map((c) => c.trafficPerSecond));
  const lines = [`**${ratio}× canary error rate**`, '', ...header(['rule', ...traffic.map((t) => `${t} req/s`)])];
  for (const rule of outcome.rules) {
    const values = traffic.map((t) => detectionCell(pick(outcome, (c) => c.rule === rule && c.ratio === ratio && c.trafficPerSecond === t)));
    lines.push(row([rule, ...values]));
  }
  return [...lines, ''];
}

function promotionTable(outcome: BenchOutcome, rule: string): string[] {
  const traffic = unique(outcome.cells.map((c) => c.trafficPerSecond));
  const ratios = unique(outcome.cells.map((c) => c.ratio)).filter((r) => r !== 1);
  const lines = header(['traffic', 'healthy promoted early', 'canary requests to promotion (median / p90)', ...ratios.map((r) => `${r}× promoted`)]);
  for (const t of traffic) {
    const healthy = pick(outcome, (c) => c.rule === rule && c.ratio === 1 && c.trafficPerSecond === t);
    const bad = ratios.map((r) => pct(pick(outcome, (c) => c.rule === rule && c.ratio === r && c.trafficPerSecond === t).promoteRate));
    lines.push(row([`${t} req/s`, pct(healthy.promoteRate), `${compact(healthy.medianRequestsToPromote)} / ${compact(healthy.p90RequestsToPromote)}`, ...bad]));
  }
  return lines;
}

function runLine(o: BenchOutcome): string {
  const m = o.machine;
  const cells = new Set(o.cells.map((c) => `${c.trafficPerSecond}|${c.canaryShare}|${c.baseErrorRate}`)).size;
  const scenarios = unique(o.cells.map((c) => c.ratio)).length;
  return (
    `This run: **${o.releasesPerCell} releases per cell and scenario** (${cells} cells × ${scenarios} scenarios, seed ${o.seed}` +
    `${o.releasesPerCell < 10_000 ? "; the issue's 10,000 is `npm run bench judge -- --releases 10000`" : ''}), ${o.durationSeconds} s wall clock and ${o.cpuSeconds} s CPU on ${m.cores} cores, ` +
    `Node ${m.node}, measured ${o.date}${o.commit ? ` at commit ${o.commit}` : ''}.`
  );
}

const MODEL = [
  `Each release is ${INTERVALS_PER_RELEASE} one-minute intervals judged after every interval. Cells: traffic 1, 10, 100, 1000 req/s`,
  '(both arms) × canary share 5, 10, 30, 50% × baseline error rate 0.1%, 1%. Requests and errors are Poisson counts.',
  'Diurnal swing: traffic ±50% and error rate ±30% over a day, each release starting at a random time of day.',
  'Shared spikes: 0.5 per release (Poisson), 2–5 minutes, adding 0.5–3% errors to both arms. Scenarios: canary error',
  'rate = 1× (healthy), 1.5×, 2×, 5× the baseline\'s outside spikes. Every rule judges the same simulated releases.',
  'A release not aborted within the hour is promoted; "promoted early" is only the judge with a bad ratio.',
];

const RULES = [
  '- `success ≥ X%, failureLimit F`: Argo/Flagger-style; per interval, canary success rate = 1 − errors/requests; abort',
  '  after more than F failed intervals (an interval without canary requests is no measurement).',
  '- `canary ≤ stable + 1 pp, failureLimit 1`: relative rule per interval.',
  '- `Mann–Whitney (Kayenta-style)`: every 10 intervals, over all per-interval error rates so far, abort when a',
  '  one-sided Mann–Whitney test (98% two-sided interval) puts canary above baseline and the canary\'s mean rate exceeds',
  '  1.1× the baseline\'s. Simplified NetflixACAJudge: one critical metric, no 0.25·|estimate| rule.',
  '- `judge`: src/core/judge, α 0.01, tolerance 1.1, minEvents 5, no warm-up; the second row also promotes early',
  '  (bad ratio 1.5, β 0.05).',
];

export function renderJudgeSection(o: BenchOutcome, notes: string): string {
  const ratios = unique(o.cells.map((c) => c.ratio)).filter((r) => r !== 1);
  const promoter = o.rules.find((r) => r.includes('early promotion'));
  return [
    '## Judge',
    '',
    'Generated by `npm run bench judge` (bench/judge/run-judge-bench.ts; every cell in bench/judge/results.md and',
    'bench/judge/results.json): a seeded Monte Carlo of canary releases, no cluster. The notes at the end are',
    'bench/judge/notes.md.',
    '',
    runLine(o),
    '',
    ...MODEL,
    '',
    ...RULES,
    '',
    '### False aborts on healthy releases',
    '',
    'Share of healthy releases (canary = stable) aborted within the hour, by traffic and baseline error rate, over the',
    'four canary shares; "worst cell" is the highest single cell (traffic × share × error rate).',
    '',
    ...healthyTable(o),
    '',
    '### Detection of regressions',
    '',
    'Share of regressed releases aborted within the hour · median / p90 canary requests until the abort (over the',
    'aborted releases only), by traffic, over the four canary shares and both error rates.',
    '',
    ...ratios.flatMap((r) => detectionTable(o, r)),
    ...renderTunedSection(o.tuned, o.gridRules),
    ...(promoter ? ['### Early promotion', '', `\`${promoter}\`: share of releases promoted before the hour.`, '', ...promotionTable(o, promoter), ''] : []),
    '### Notes',
    '',
    notes.trim(),
    '',
  ].join('\n');
}

export function renderFullTable(o: BenchOutcome): string {
  const lines = [
    '# Judge benchmark: every cell',
    '',
    `Generated by \`npm run bench judge\`. ${runLine(o)}`,
    '',
    ...header(['traffic', 'canary share', 'base errors', 'canary ratio', 'rule', 'aborted', 'promoted early', 'canary requests to abort (median / p90)']),
  ];
  for (const c of o.cells) {
    const s = c.summary;
    lines.push(row([`${c.trafficPerSecond}/s`, `${c.canaryShare * 100}%`, `${c.baseErrorRate * 100}%`, `${c.ratio}×`, c.rule, pct(s.abortRate), pct(s.promoteRate), `${compact(s.medianRequestsToAbort)} / ${compact(s.p90RequestsToAbort)}`]));
  }
  if (o.tuned.length > 0) {
    lines.push('', '## Tuned threshold rules against the judge, 2× regressions', '', "Budget = the judge's false-abort rate in the cell:", '', ...renderTunedCellTable(o.tuned, 'judge'));
    lines.push('', 'Budget = α (1%):', '', ...renderTunedCellTable(o.tuned, 'alpha'));
  }
  return `${lines.join('\n')}\n`;
}
