/** Markdown for the equal-false-abort comparison of the judge with the best tuned threshold rule. */
import type { BudgetKind, TunedComparison } from './tuned-comparison.js';
import type { SpeedProfile } from './tuning.js';

const pct = (x: number | undefined, digits = 1): string => (x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);

function requests(n: number): string {
  if (!Number.isFinite(n)) return '∞';
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

const speed = (p: SpeedProfile | undefined): string => (p ? `${pct(p.detectionRate)} · ${requests(p.median)} / ${requests(p.p90)}` : '—');
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

function verdictText(t: TunedComparison): string {
  const why = t.shortfalls.length > 0 ? ` (${t.shortfalls.join(', ')})` : '';
  return `${t.verdict}${why}`;
}

function cellRow(t: TunedComparison): string {
  return row([
    `${t.trafficPerSecond}/s`,
    `${t.canaryShare * 100}%`,
    `${t.baseErrorRate * 100}%`,
    pct(t.judgeFalseAbortRate, 2),
    t.rule ?? 'none within budget',
    `${pct(t.ruleFalseAbortTuning, 2)} / ${pct(t.ruleFalseAbortEvaluation, 2)}`,
    speed(t.judge),
    speed(t.tuned),
    verdictText(t),
    t.meetsTarget ? 'yes' : '**no**',
    `${t.rulesJudgeIsSlowerThan} of ${t.eligibleRules}`,
  ]);
}

export function renderTunedCellTable(tuned: readonly TunedComparison[], budgetKind: BudgetKind): string[] {
  const titles = ['traffic', 'share', 'base errors', 'judge false aborts', 'best tuned rule', 'its false aborts (tuning / measured)', 'judge: 2× detected · median / p90', 'tuned rule: 2× detected · median / p90', 'judge vs tuned rule', 'target met', 'eligible rules faster than the judge'];
  return [row(titles), row(titles.map((_, i) => (i < 3 || i === 4 ? '---' : '---:'))), ...tuned.filter((t) => t.budgetKind === budgetKind).map(cellRow)];
}

const BUDGETS: readonly { kind: BudgetKind; title: string }[] = [
  { kind: 'judge', title: "budget = the judge's false-abort rate" },
  { kind: 'alpha', title: 'budget = α (1%)' },
];

function summaryCell(cells: readonly TunedComparison[]): string {
  const count = (v: string): number => cells.filter((t) => t.verdict === v).length;
  const met = cells.filter((t) => t.meetsTarget).length;
  return `${met} of ${cells.length} (faster ${count('faster')}, as fast ${count('as fast')}, slower ${count('slower')})`;
}

/** Per traffic level: cells where the target holds, by budget. */
export function renderTunedSummary(tuned: readonly TunedComparison[]): string[] {
  const traffic = [...new Set(tuned.map((t) => t.trafficPerSecond))].sort((a, b) => a - b);
  const lines = [row(['traffic', 'target', ...BUDGETS.map((b) => `target met: ${b.title}`)]), row(['---', '---', ...BUDGETS.map(() => '---:')])];
  for (const t of traffic) {
    const target = t <= 10 ? 'faster' : 'at least as fast';
    lines.push(row([`${t} req/s`, target, ...BUDGETS.map((b) => summaryCell(tuned.filter((x) => x.trafficPerSecond === t && x.budgetKind === b.kind)))]));
  }
  return lines;
}

export function renderTunedSection(tuned: readonly TunedComparison[], gridRules: number): string[] {
  if (tuned.length === 0) return [];
  return [
    '### Equal false-abort rate: the judge against tuned threshold rules (2× regressions)',
    '',
    `For every cell, ${gridRules} threshold rules (success ≥ 90, 95, 97, 98, 99, 99.5, 99.9%, or canary error rate ≤ stable`,
    '+ 0.1, 0.2, 0.5, 1, 2, 5 pp; an interval counts as a measurement from 1, 10, 30 or 100 canary requests on;',
    'failureLimit 0–5) are run on tuning releases of a separate seed. The rules whose false-abort rate there is within',
    'the budget are eligible; the best is the eligible rule with the smallest mean canary requests to detection of 2×',
    'regressions (a release not detected counts its whole hour of canary requests). The best rule and the judge are',
    'then measured on the same evaluation releases as every table above. Detection figures: share of 2× releases',
    'aborted within the hour · median / p90 canary requests to the abort over all releases, ∞ when more than half',
    '(a tenth) were never detected. The definitions of "as fast" and "faster" are in the notes.',
    '',
    ...renderTunedSummary(tuned),
    '',
    ...BUDGETS.flatMap((b) => [`**${b.title[0]!.toUpperCase()}${b.title.slice(1)}**`, '', ...renderTunedCellTable(tuned, b.kind), '']),
  ];
}
