/**
 * Role metadata on pods (pure): labels and annotations each role's pods carry, moved when a
 * ReplicaSet changes role, never restarting a pod. Blue/green: the pods of the ReplicaSet the active
 * Service selects carry activeMetadata, those of the one only the preview Service selects carry
 * previewMetadata. Canary: the canary ReplicaSet's pods carry canaryMetadata and the stable one's
 * stableMetadata, so a canary that becomes stable swaps the one for the other. Every other
 * ReplicaSet's pods carry neither. What Kanary put on a ReplicaSet's pods is recorded on it
 * (kanary.dev/role-metadata), so a role change removes exactly those keys and nothing else.
 */
import type { RoleMetadata } from '../api/rollout.js';
import type { SetRoleMetadataAction } from './actions.js';
import type { BlueGreenHashes } from './bluegreen-targets.js';
import type { BlueGreenFlow } from './bluegreen-flow.js';
import { isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { canonicalJson } from './short-hash.js';

type Applied = SetRoleMetadataAction['metadata'];

const NONE: Applied = { labels: {}, annotations: {} };

function normalize(metadata: RoleMetadata | undefined): Applied {
  return { labels: { ...(metadata?.labels ?? {}) }, annotations: { ...(metadata?.annotations ?? {}) } };
}

/** The annotation's text for what is applied; undefined when nothing is. */
export function formatRoleMetadata(applied: Applied): string | undefined {
  const empty = Object.keys(applied.labels).length === 0 && Object.keys(applied.annotations).length === 0;
  return empty ? undefined : canonicalJson(applied);
}

function parseApplied(text: string | undefined): Applied {
  if (text === undefined) return NONE;
  try {
    const value = JSON.parse(text) as Partial<Applied>;
    return { labels: { ...(value.labels ?? {}) }, annotations: { ...(value.annotations ?? {}) } };
  } catch {
    return NONE;
  }
}

/** One setRoleMetadata action per owned ReplicaSet whose pods do not carry what `desiredOf` wants. */
function planRoleMetadata(ctx: PlanContext, draft: PlanDraft, desiredOf: (hash: string) => RoleMetadata | undefined): void {
  for (const rs of ctx.owned) {
    const metadata = normalize(desiredOf(rs.podTemplateHash));
    if (formatRoleMetadata(metadata) === rs.roleMetadata) continue;
    draft.actions.push({ type: 'setRoleMetadata', name: rs.name, podTemplateHash: rs.podTemplateHash, metadata, previous: parseApplied(rs.roleMetadata) });
  }
}

export function planBlueGreenRoleMetadata(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, hashes: BlueGreenHashes): void {
  planRoleMetadata(ctx, draft, (hash) => {
    if (hash === hashes.active) return flow.strategy.activeMetadata;
    return hash === hashes.preview ? flow.strategy.previewMetadata : undefined;
  });
}

/** The stable ReplicaSet's pods carry stableMetadata; the canary's (while it is not stable) canaryMetadata. */
export function planCanaryRoleMetadata(ctx: PlanContext, draft: PlanDraft): void {
  const { canaryMetadata, stableMetadata } = ctx.canary;
  if (canaryMetadata === undefined && stableMetadata === undefined && ctx.owned.every((rs) => rs.roleMetadata === undefined)) return;
  const canaryHash = isProgressing(ctx, draft) ? ctx.hash : undefined;
  planRoleMetadata(ctx, draft, (hash) => {
    if (hash === draft.stableHash) return stableMetadata;
    return hash === canaryHash ? canaryMetadata : undefined;
  });
}
