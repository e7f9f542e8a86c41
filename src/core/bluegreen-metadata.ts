/**
 * activeMetadata / previewMetadata (pure): the pods of the ReplicaSet the active Service selects
 * carry activeMetadata, those of the one only the preview Service selects carry previewMetadata,
 * every other ReplicaSet's pods carry neither. What Kanary put on a ReplicaSet's pods is recorded
 * on it (kanary.dev/role-metadata), so a role change removes exactly those keys and nothing else.
 */
import type { RoleMetadata } from '../api/rollout.js';
import type { SetRoleMetadataAction } from './actions.js';
import type { BlueGreenHashes } from './bluegreen-targets.js';
import type { BlueGreenFlow } from './bluegreen-flow.js';
import type { PlanContext, PlanDraft } from './plan-context.js';
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

function desiredFor(hash: string, flow: BlueGreenFlow, hashes: BlueGreenHashes): Applied {
  if (hash === hashes.active) return normalize(flow.strategy.activeMetadata);
  if (hash === hashes.preview) return normalize(flow.strategy.previewMetadata);
  return NONE;
}

export function planRoleMetadata(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, hashes: BlueGreenHashes): void {
  for (const rs of ctx.owned) {
    const metadata = desiredFor(rs.podTemplateHash, flow, hashes);
    if (formatRoleMetadata(metadata) === rs.roleMetadata) continue;
    draft.actions.push({ type: 'setRoleMetadata', name: rs.name, podTemplateHash: rs.podTemplateHash, metadata, previous: parseApplied(rs.roleMetadata) });
  }
}
