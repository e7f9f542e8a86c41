/**
 * The blue/green part of `kanary get rollout` (pure): which pod-template hash the active and
 * preview Services select, where the release stands, and the promotion analyses' runs.
 */
import type { BlueGreenStrategy, Rollout } from '../api/rollout.js';

export interface BlueGreenView {
  activeSelector?: string;
  previewSelector?: string;
  /** Where the release stands, in words (e.g. `preview: waiting for kanary promote`). */
  stage: string;
  prePromotionAnalysis?: string;
  postPromotionAnalysis?: string;
}

function describePause(strategy: BlueGreenStrategy | undefined): string {
  const seconds = strategy?.autoPromotionSeconds;
  if (strategy?.autoPromotionEnabled === false || seconds === undefined) return 'preview: waiting for kanary promote';
  return `preview: auto-promotion ${seconds}s after the pause started`;
}

function describePreview(rollout: Rollout): string {
  const status = rollout.status ?? {};
  const strategy = rollout.spec.strategy.blueGreen;
  const pauses = (status.pauseConditions ?? []).map((c) => c.reason);
  if (pauses.includes('InconclusiveAnalysisRun')) return 'preview: an analysis was inconclusive, promote or abort';
  if (pauses.includes('BlueGreenPause')) return describePause(strategy);
  if (status.blueGreen?.scaleUpPreviewCheckPoint === true) return 'promoting: new revision scaling to full replicas before the switch';
  return 'preview: new revision starting behind the preview Service';
}

function describeStage(rollout: Rollout): string {
  const status = rollout.status ?? {};
  if (status.stableRS === undefined) return 'initial deploy';
  if (status.abort === true) return 'aborted: active Service back on the stable revision';
  if (status.stableRS === status.currentPodHash) return 'promoted: the active Service serves the current revision';
  if (status.blueGreen?.activeSelector === status.currentPodHash) return 'switched: post-promotion analysis before the revision is stable';
  return describePreview(rollout);
}

function runText(run: { name: string; status: string } | undefined): string | undefined {
  return run === undefined ? undefined : `${run.name} (${run.status})`;
}

export function buildBlueGreenView(rollout: Rollout): BlueGreenView | undefined {
  if (rollout.spec.strategy.blueGreen === undefined) return undefined;
  const bg = rollout.status?.blueGreen ?? {};
  const pre = runText(bg.prePromotionAnalysisRunStatus);
  const post = runText(bg.postPromotionAnalysisRunStatus);
  return {
    ...(bg.activeSelector !== undefined ? { activeSelector: bg.activeSelector } : {}),
    ...(bg.previewSelector !== undefined ? { previewSelector: bg.previewSelector } : {}),
    stage: describeStage(rollout),
    ...(pre !== undefined ? { prePromotionAnalysis: pre } : {}),
    ...(post !== undefined ? { postPromotionAnalysis: post } : {}),
  };
}

/** The header lines under `Strategy: BlueGreen`; `field` lays out one label and value. */
export function renderBlueGreenLines(view: BlueGreenView, field: (label: string, value: string) => string): string[] {
  const lines = [
    field('  Stage:', view.stage),
    field('  Active:', view.activeSelector ?? '-'),
    field('  Preview:', view.previewSelector ?? '-'),
  ];
  if (view.prePromotionAnalysis) lines.push(field('  PrePromotion:', view.prePromotionAnalysis));
  if (view.postPromotionAnalysis) lines.push(field('  PostPromotion:', view.postPromotionAnalysis));
  return lines;
}
