/**
 * Parts of the Rollout page that only some Rollouts have (pure): the release journal as a list,
 * and the blue/green view (which revision each Service selects, the stage, the promotion
 * analyses and how the promotion pause ends).
 */
import type * as k8s from '@kubernetes/client-node';
import type { JournalEntry } from '../api/journal.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { BlueGreenView } from '../cli/render-bluegreen.js';
import { describeJournalValue } from '../core/journal-describe.js';

export interface JournalEntryView {
  time: string;
  revision: number;
  step?: number;
  decision: string;
  by: string;
  reason: string;
  /** `20% → 50%` for a weight change. */
  weight?: string;
  analysisRun?: string;
  /** Each deciding measurement in one line (`success-rate 0.917 vs result[0] >= 0.95`). */
  values: string[];
}

/** status.journal.entries, newest first. */
export function buildJournalView(raw: { status?: Record<string, unknown> }): JournalEntryView[] {
  const journal = raw.status?.['journal'] as { entries?: JournalEntry[] } | undefined;
  const entries = Array.isArray(journal?.entries) ? journal.entries : [];
  return [...entries].reverse().map((entry) => ({
    time: entry.time,
    revision: entry.revision,
    ...(entry.step !== undefined ? { step: entry.step } : {}),
    decision: entry.decision,
    by: entry.by,
    reason: entry.reason,
    ...(entry.weight !== undefined ? { weight: `${entry.fromWeight ?? 0}% → ${entry.weight}%` } : {}),
    ...(entry.analysisRun !== undefined ? { analysisRun: entry.analysisRun } : {}),
    values: (entry.values ?? []).map(describeJournalValue),
  }));
}

export interface BlueGreenServiceRow {
  role: 'active' | 'preview';
  service: string;
  hash?: string;
  revision?: number;
  replicaSet?: string;
}

export interface BlueGreenPageView {
  stage: string;
  services: BlueGreenServiceRow[];
  /** How the promotion pause ends: `kanary promote`, `auto-promotion 30s after the pause started`, `no pause`. */
  promotion: string;
  prePromotionAnalysis?: string;
  postPromotionAnalysis?: string;
}

function describePromotion(rollout: Rollout): string {
  const strategy = rollout.spec.strategy.blueGreen;
  if (strategy?.autoPromotionEnabled === false) return 'waits for kanary promote';
  const seconds = strategy?.autoPromotionSeconds ?? 0;
  return seconds > 0 ? `auto-promotion ${seconds}s after the pause starts` : 'no pause: switches once the gates pass';
}

function replicaSetOf(hash: string | undefined, replicaSets: readonly k8s.V1ReplicaSet[]): { replicaSet?: string; revision?: number } {
  const rs = hash === undefined ? undefined : replicaSets.find((r) => r.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  if (rs?.metadata?.name === undefined) return {};
  const revision = Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
  return { replicaSet: rs.metadata.name, ...(Number.isInteger(revision) && revision > 0 ? { revision } : {}) };
}

function serviceRow(role: 'active' | 'preview', service: string, hash: string | undefined, replicaSets: readonly k8s.V1ReplicaSet[]): BlueGreenServiceRow {
  return { role, service, ...(hash !== undefined ? { hash } : {}), ...replicaSetOf(hash, replicaSets) };
}

export function buildBlueGreenPage(rollout: Rollout | undefined, view: BlueGreenView | undefined, replicaSets: readonly k8s.V1ReplicaSet[]): BlueGreenPageView | undefined {
  const strategy = rollout?.spec.strategy.blueGreen;
  if (rollout === undefined || strategy === undefined || view === undefined) return undefined;
  return {
    stage: view.stage,
    services: [
      serviceRow('active', strategy.activeService ?? '-', view.activeSelector, replicaSets),
      serviceRow('preview', strategy.previewService ?? '-', view.previewSelector, replicaSets),
    ],
    promotion: describePromotion(rollout),
    ...(view.prePromotionAnalysis !== undefined ? { prePromotionAnalysis: view.prePromotionAnalysis } : {}),
    ...(view.postPromotionAnalysis !== undefined ? { postPromotionAnalysis: view.postPromotionAnalysis } : {}),
  };
}
