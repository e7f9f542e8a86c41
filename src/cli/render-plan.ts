/** Renders a RolloutPlan as a human-readable table (the JSON form is the plan object itself). */
import { formatDurationMs } from '../api/duration.js';
import type { PlanStep, RolloutPlan } from './plan-timeline.js';

const HEADERS = ['STEP', 'KIND', 'WEIGHT', 'CANARY', 'STABLE', 'WAIT', 'WHAT HAPPENS'];
/** With canary.baseline: the baseline's pods beside the canary's. */
const BASELINE_HEADERS = ['STEP', 'KIND', 'WEIGHT', 'CANARY', 'BASELINE', 'STABLE', 'WAIT', 'WHAT HAPPENS'];

function waitText(step: PlanStep): string {
  if (step.manualPromote) return 'manual promote';
  if (step.analysis) return 'analysis gate';
  if (step.waitMs !== undefined) return formatDurationMs(step.waitMs);
  return '-';
}

function row(step: PlanStep): string[] {
  return [
    step.index === null ? '-' : String(step.index),
    step.kind,
    `${step.weightPercent}%`,
    String(step.canaryReplicas),
    ...(step.baselineReplicas !== undefined ? [String(step.baselineReplicas)] : []),
    String(step.stableReplicas),
    waitText(step),
    step.summary,
  ];
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ').trimEnd());
}

function headline(plan: RolloutPlan): string {
  if (!plan.trafficRouted) return `Rollout ${plan.rollout}: ${plan.replicas} replicas, no traffic router (the replica split carries the weight).`;
  const services = `stable Service ${plan.stableService ?? '?'}, canary Service ${plan.canaryService ?? '?'}`;
  const line = `Rollout ${plan.rollout}: ${plan.replicas} replicas, weights set on Ambassador Mapping ${plan.mappings.join(', ')} (${services}).`;
  if (plan.baselineService === undefined) return line;
  return `${line}\nBaseline: the stable template at the canary's size behind Service ${plan.baselineService} gets the canary's weight (stable gets 100 - 2 x weight); removed at promotion and abort.`;
}

function extras(plan: RolloutPlan): string[] {
  const parts: string[] = [];
  if (plan.manualPromotions > 0) parts.push(`${plan.manualPromotions} manual promotion${plan.manualPromotions === 1 ? '' : 's'}`);
  if (plan.analysisGates > 0) parts.push(`${plan.analysisGates} analysis gate${plan.analysisGates === 1 ? '' : 's'}`);
  return parts;
}

function footer(plan: RolloutPlan): string[] {
  const lines: string[] = [];
  if (plan.backgroundAnalysis) {
    lines.push(`Background analysis: ${plan.backgroundAnalysis.templates.join(', ')} from step ${plan.backgroundAnalysis.startingStep} until promotion; failure aborts.`);
  }
  if (plan.scaleDownDelaySeconds > 0) {
    lines.push(`After promotion the old ReplicaSet is scaled to 0 after ${formatDurationMs(plan.scaleDownDelaySeconds * 1000)}.`);
  }
  const more = extras(plan);
  const suffix = more.length > 0 ? ` plus the time of ${more.join(' and ')}` : '';
  lines.push(`Minimum total time: ${formatDurationMs(plan.minimumDurationMs)}${suffix}.`);
  return lines;
}

export function renderPlanText(plan: RolloutPlan): string {
  const headers = plan.baselineService === undefined ? HEADERS : BASELINE_HEADERS;
  return [headline(plan), '', ...table([headers, ...plan.steps.map(row)]), '', ...footer(plan), ''].join('\n');
}

export function renderPlanJson(plan: RolloutPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
