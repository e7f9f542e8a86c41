/**
 * Pure part of `kanary plan` for a blue/green Rollout: the stages a new revision goes through
 * (preview, pre-promotion analysis, promotion pause, scale-up, the switch, post-promotion
 * analysis, scale-down of the old ReplicaSet), with replica counts, and what an abort does.
 */
import { formatDurationMs } from '../api/duration.js';
import type { BlueGreenStrategy, Rollout } from '../api/rollout.js';

export interface BlueGreenPlanStage {
  stage: 'preview' | 'prePromotionAnalysis' | 'pause' | 'scaleUp' | 'switch' | 'postPromotionAnalysis' | 'scaleDown';
  newReplicas: number;
  oldReplicas: number;
  /** What the stage waits for: `-`, a duration, `manual promote` or `analysis gate`. */
  wait: string;
  summary: string;
}

export interface BlueGreenPlan {
  strategy: 'blueGreen';
  rollout: string;
  replicas: number;
  activeService: string;
  previewService?: string;
  stages: BlueGreenPlanStage[];
  onAbort: string;
  /** Sum of the timed waits: the release cannot finish sooner. */
  minimumDurationMs: number;
}

function templates(analysis: BlueGreenStrategy['prePromotionAnalysis']): string {
  return (analysis?.templates ?? []).map((t) => t.templateName).join(', ');
}

function pauseStage(bg: BlueGreenStrategy, previewCount: number, replicas: number): BlueGreenPlanStage | undefined {
  const seconds = bg.autoPromotionSeconds ?? 0;
  if (bg.autoPromotionEnabled && seconds === 0) return undefined;
  const wait = bg.autoPromotionEnabled ? formatDurationMs(seconds * 1000) : 'manual promote';
  const summary = bg.autoPromotionEnabled ? `paused, then promoted automatically after ${wait}` : 'paused until `kanary promote`';
  return { stage: 'pause', newReplicas: previewCount, oldReplicas: replicas, wait, summary };
}

function gateStages(bg: BlueGreenStrategy, previewCount: number, replicas: number): BlueGreenPlanStage[] {
  const stages: BlueGreenPlanStage[] = [];
  if (bg.prePromotionAnalysis) {
    stages.push({ stage: 'prePromotionAnalysis', newReplicas: previewCount, oldReplicas: replicas, wait: 'analysis gate', summary: `analysis ${templates(bg.prePromotionAnalysis)} against the preview must succeed; failure aborts (the active Service never moves)` });
  }
  const pause = pauseStage(bg, previewCount, replicas);
  if (pause) stages.push(pause);
  if (previewCount < replicas) {
    stages.push({ stage: 'scaleUp', newReplicas: replicas, oldReplicas: replicas, wait: '-', summary: `new ReplicaSet scaled from ${previewCount} to ${replicas} before the switch` });
  }
  return stages;
}

function afterSwitchStages(bg: BlueGreenStrategy, replicas: number): BlueGreenPlanStage[] {
  const stages: BlueGreenPlanStage[] = [];
  if (bg.postPromotionAnalysis) {
    stages.push({ stage: 'postPromotionAnalysis', newReplicas: replicas, oldReplicas: replicas, wait: 'analysis gate', summary: `analysis ${templates(bg.postPromotionAnalysis)} against the active Service must succeed; failure switches the active Service back at once` });
  }
  const delay = formatDurationMs(bg.scaleDownDelaySeconds * 1000);
  stages.push({ stage: 'scaleDown', newReplicas: replicas, oldReplicas: 0, wait: delay, summary: `revision stable; the old ReplicaSet is scaled to 0 after ${delay}` });
  return stages;
}

function abortText(bg: BlueGreenStrategy): string {
  const scaleDown = bg.abortScaleDownDelaySeconds === 0
    ? 'the new ReplicaSet is kept running (abortScaleDownDelaySeconds: 0)'
    : `the new ReplicaSet is scaled to 0 after ${formatDurationMs(bg.abortScaleDownDelaySeconds * 1000)}`;
  return `On abort (kanary abort, or a failed analysis): the active and preview Services select the old ReplicaSet at once, still at full replicas; ${scaleDown}.`;
}

/** The stages of a valid blue/green Rollout's next revision. */
export function buildBlueGreenPlan(rollout: Rollout, bg: BlueGreenStrategy): BlueGreenPlan {
  const replicas = rollout.spec.replicas;
  const previewCount = Math.min(bg.previewReplicaCount ?? replicas, replicas);
  const preview = bg.previewService === undefined ? 'no preview Service' : `preview Service ${bg.previewService} selects it once it has available pods`;
  const stages: BlueGreenPlanStage[] = [
    { stage: 'preview', newReplicas: previewCount, oldReplicas: replicas, wait: '-', summary: `new ReplicaSet scaled to ${previewCount}; ${preview}` },
    ...gateStages(bg, previewCount, replicas),
    { stage: 'switch', newReplicas: replicas, oldReplicas: replicas, wait: '-', summary: `active Service ${bg.activeService} switched to the new ReplicaSet (one selector change) once all ${replicas} pods are available` },
    ...afterSwitchStages(bg, replicas),
  ];
  const timed = (bg.autoPromotionEnabled ? (bg.autoPromotionSeconds ?? 0) : 0) + bg.scaleDownDelaySeconds;
  return {
    strategy: 'blueGreen',
    rollout: rollout.metadata.name,
    replicas,
    activeService: bg.activeService,
    ...(bg.previewService !== undefined ? { previewService: bg.previewService } : {}),
    stages,
    onAbort: abortText(bg),
    minimumDurationMs: timed * 1000,
  };
}

const HEADERS = ['STAGE', 'NEW', 'OLD', 'WAIT', 'WHAT HAPPENS'];

export function renderBlueGreenPlanText(plan: BlueGreenPlan): string {
  const rows = [HEADERS, ...plan.stages.map((s) => [s.stage, String(s.newReplicas), String(s.oldReplicas), s.wait, s.summary])];
  const widths = HEADERS.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const table = rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ').trimEnd());
  const services = `active Service ${plan.activeService}${plan.previewService !== undefined ? `, preview Service ${plan.previewService}` : ''}`;
  return [
    `Rollout ${plan.rollout}: blue/green, ${plan.replicas} replicas (${services}).`,
    '',
    ...table,
    '',
    plan.onAbort,
    `Minimum total time: ${formatDurationMs(plan.minimumDurationMs)}.`,
    '',
  ].join('\n');
}
