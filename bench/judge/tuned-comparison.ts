/**
 * Collecting the grid of threshold rules (tuned-rules.ts) over simulated releases, and the per-cell
 * comparison of the best tuned rule with the judge on 2× regressions. Tuning (which rules stay
 * within the false-abort budget, which is best) uses releases of a separate seed; the figures
 * reported are measured on the evaluation releases that every other rule judges too.
 */
import type { Cell } from './scenario.js';
import type { GridRule } from './tuned-rules.js';
import { compareSpeed, eligibleRules, meetsSpeedTarget, selectTunedRule, speedProfile, type SpeedProfile, type SpeedVerdict } from './tuning.js';

/** The regression of the comparison: the target is about 2× regressions. */
export const TUNED_RATIO = 2;
export const ALPHA = 0.01;

/** Receives each release's grid outcome: canary requests to abort per rule (Infinity: none), and the release's canary requests. */
export type GridSink = (requestsToAbort: Float64Array, releaseRequests: number) => void;

/** False aborts per grid rule over healthy releases. */
export class AbortCounter {
  readonly counts: Int32Array;
  releases = 0;
  constructor(size: number) {
    this.counts = new Int32Array(size);
  }
  readonly sink: GridSink = (values) => {
    this.releases += 1;
    for (let k = 0; k < values.length; k += 1) if (values[k] !== Infinity) this.counts[k] = this.counts[k]! + 1;
  };
  rates(): Float64Array {
    return Float64Array.from(this.counts, (n) => (this.releases === 0 ? 0 : n / this.releases));
  }
}

/** Mean canary requests to detection per grid rule, a release not detected counted at its whole hour. */
export class ScoreSum {
  readonly sums: Float64Array;
  releases = 0;
  constructor(size: number) {
    this.sums = new Float64Array(size);
  }
  readonly sink: GridSink = (values, releaseRequests) => {
    this.releases += 1;
    for (let k = 0; k < values.length; k += 1) this.sums[k] = this.sums[k]! + (values[k] === Infinity ? releaseRequests : values[k]!);
  };
  scores(): Float64Array {
    return this.sums.map((s) => s / Math.max(1, this.releases));
  }
}

/** Every release's requests to detection per grid rule (release-major), for the quantiles. */
export class DetectionMatrix {
  private readonly data: Float64Array;
  private rows = 0;
  constructor(
    private readonly size: number,
    releases: number,
  ) {
    this.data = new Float64Array(size * releases);
  }
  readonly sink: GridSink = (values) => {
    this.data.set(values, this.rows * this.size);
    this.rows += 1;
  };
  column(k: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r += 1) out[r] = this.data[r * this.size + k]!;
    return out;
  }
}

export type BudgetKind = 'judge' | 'alpha';

export interface TunedComparison extends Cell {
  budgetKind: BudgetKind;
  /** The false-abort budget of the tuning: the judge's measured rate in the cell, or alpha. */
  budget: number;
  judgeFalseAbortRate: number;
  /** The best tuned rule, absent when no grid rule stays within the budget. */
  rule?: string;
  ruleFalseAbortTuning?: number;
  ruleFalseAbortEvaluation?: number;
  judge: SpeedProfile;
  tuned?: SpeedProfile;
  verdict: SpeedVerdict;
  shortfalls: string[];
  meetsTarget: boolean;
  /** Grid rules within the budget on the tuning releases. */
  eligibleRules: number;
  /** Of those, how many the judge is not at least as fast as on the evaluation releases. */
  rulesJudgeIsSlowerThan: number;
}

export interface CellGridData {
  cell: Cell;
  grid: readonly GridRule[];
  tuningFalseAborts: Float64Array;
  tuningScores: Float64Array;
  evaluationFalseAborts: Float64Array;
  evaluationDetections: DetectionMatrix;
  judge: SpeedProfile;
  judgeFalseAbortRate: number;
}

function countSlower(data: CellGridData, eligible: readonly number[]): number {
  return eligible.filter((k) => compareSpeed(data.judge, speedProfile(data.evaluationDetections.column(k))).verdict === 'slower').length;
}

export function compareCell(data: CellGridData, budgetKind: BudgetKind): TunedComparison {
  const budget = budgetKind === 'alpha' ? ALPHA : data.judgeFalseAbortRate;
  const eligible = eligibleRules(data.tuningFalseAborts, budget);
  const best = selectTunedRule(data.tuningFalseAborts, data.tuningScores, budget);
  const base = { ...data.cell, budgetKind, budget, judgeFalseAbortRate: data.judgeFalseAbortRate, judge: data.judge, eligibleRules: eligible.length };
  // No rule within the budget: the judge is trivially as fast (never happens with the ≥ 100-request guard).
  if (best === undefined) return { ...base, verdict: 'faster', shortfalls: [], meetsTarget: true, rulesJudgeIsSlowerThan: 0 };
  const tuned = speedProfile(data.evaluationDetections.column(best));
  const { verdict, shortfalls } = compareSpeed(data.judge, tuned);
  return {
    ...base,
    rule: data.grid[best]!.name,
    ruleFalseAbortTuning: data.tuningFalseAborts[best]!,
    ruleFalseAbortEvaluation: data.evaluationFalseAborts[best]!,
    tuned,
    verdict,
    shortfalls,
    meetsTarget: meetsSpeedTarget(verdict, data.cell.trafficPerSecond),
    rulesJudgeIsSlowerThan: countSlower(data, eligible),
  };
}
