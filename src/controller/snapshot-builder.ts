/**
 * Builds the pure core's CanarySnapshot for one Rollout from the informer caches: its ReplicaSets,
 * its Services' selected hash (stable/canary, or active/preview for blue/green), the canary route, its AnalysisRuns, and the problems that make the
 * spec unusable (missing Services, Mappings or templates). Reads only caches: no API request.
 */
import type * as k8s from '@kubernetes/client-node';
import {
  ANALYSIS_KIND_BACKGROUND,
  ANALYSIS_KIND_LABEL,
  ANTI_AFFINITY_ANNOTATION,
  BASELINE_ROLE,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLE_LABEL,
  ROLE_METADATA_ANNOTATION,
  ROLLOUT_NAME_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
  SERVICE_NAME_LABEL,
  STEP_INDEX_LABEL,
} from '../api/labels.js';
import type { AnalysisPhase } from '../api/reasons.js';
import { ANALYSIS_PHASES } from '../api/reasons.js';
import type { Rollout } from '../api/rollout.js';
import { buildNameLabelValue } from '../core/label-value.js';
import type { AnalysisRunView, CanarySnapshot, PodView, ReplicaSetView, ServiceView } from '../core/snapshot.js';
import { findSpecProblems } from './spec-problems.js';
import { findEndpointHashes } from './endpoint-hashes.js';
import { buildRunValues } from './run-values.js';
import type { KubeObject, RolloutWorld } from './rollout-world.js';

export interface SnapshotInput {
  rollout: Rollout;
  world: RolloutWorld;
  routePropagationDelayMs: number;
}

function isControlledBy(meta: k8s.V1ObjectMeta | undefined, uid: string | undefined): boolean {
  return (meta?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid);
}

function parseTimeMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseRevision(annotations: Record<string, string>): number {
  const revision = Number.parseInt(annotations[REVISION_ANNOTATION] ?? '0', 10);
  return Number.isFinite(revision) ? revision : 0;
}

function replicaCounts(rs: k8s.V1ReplicaSet): Pick<ReplicaSetView, 'specReplicas' | 'readyReplicas' | 'availableReplicas'> {
  const { readyReplicas = 0, availableReplicas = 0 } = rs.status ?? { replicas: 0 };
  return { specReplicas: rs.spec?.replicas ?? 0, readyReplicas, availableReplicas };
}

function toReplicaSetView(rs: k8s.V1ReplicaSet, rolloutUid: string | undefined): ReplicaSetView {
  const meta = rs.metadata ?? {};
  const annotations = meta.annotations ?? {};
  return {
    name: meta.name ?? '',
    podTemplateHash: (meta.labels ?? {})[POD_TEMPLATE_HASH_LABEL] ?? '',
    revision: parseRevision(annotations),
    ...replicaCounts(rs),
    scaleDownDeadlineMs: parseTimeMs(annotations[SCALE_DOWN_DEADLINE_ANNOTATION]),
    ...(annotations[ROLE_METADATA_ANNOTATION] !== undefined ? { roleMetadata: annotations[ROLE_METADATA_ANNOTATION] } : {}),
    ...(annotations[ANTI_AFFINITY_ANNOTATION] !== undefined ? { antiAffinityHash: annotations[ANTI_AFFINITY_ANNOTATION] } : {}),
    ...(meta.labels?.[ROLE_LABEL] === BASELINE_ROLE ? { role: 'baseline' as const } : {}),
    ownedByRollout: isControlledBy(meta, rolloutUid),
  };
}

/** Our ReplicaSets, plus any that carries a name we would create (reported, never touched). */
function listReplicaSets(input: SnapshotInput): ReplicaSetView[] {
  const { rollout, world } = input;
  const namespace = rollout.metadata.namespace ?? '';
  const prefix = `${rollout.metadata.name}-`;
  return world.replicaSets
    .list(namespace)
    .filter((rs) => isControlledBy(rs.metadata, rollout.metadata.uid) || (rs.metadata?.name ?? '').startsWith(prefix))
    .filter((rs) => rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] !== undefined || isControlledBy(rs.metadata, rollout.metadata.uid))
    .map((rs) => toReplicaSetView(rs, rollout.metadata.uid));
}

interface ServiceLookup {
  world: RolloutWorld;
  namespace: string;
  replicaSets: readonly ReplicaSetView[];
}

function serviceView(lookup: ServiceLookup, name: string | undefined): ServiceView | undefined {
  if (!name) return undefined;
  const service = lookup.world.services.get(lookup.namespace, name);
  if (!service) return undefined;
  const { world, namespace, replicaSets } = lookup;
  const slices = world.endpointSlices.list(namespace).filter((slice) => slice.metadata?.labels?.[SERVICE_NAME_LABEL] === name);
  const pods = (ns: string, pod: string) => world.pods.get(ns, pod);
  const endpointHashes = findEndpointHashes({ namespace, slices, pods, replicaSets });
  return { name, selectorHash: service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL], ...(endpointHashes ? { endpointHashes } : {}) };
}

function toPhase(value: unknown): AnalysisPhase {
  return (ANALYSIS_PHASES as readonly unknown[]).includes(value) ? (value as AnalysisPhase) : 'Pending';
}

function parseTime(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Only a complete run decides anything, so only its values are read (for the journal). */
function decidedValues(run: KubeObject, phase: unknown): Pick<AnalysisRunView, 'values'> {
  const decided = phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
  return decided ? { values: buildRunValues(run) } : {};
}

function toAnalysisRunView(run: KubeObject): AnalysisRunView {
  const labels = run.metadata?.labels ?? {};
  const status = (run.status ?? {}) as { phase?: unknown; message?: string };
  const spec = (run.spec ?? {}) as { terminate?: boolean };
  const stepLabel = labels[STEP_INDEX_LABEL];
  return {
    name: run.metadata?.name ?? '',
    podTemplateHash: labels[POD_TEMPLATE_HASH_LABEL] ?? '',
    stepIndex: stepLabel === undefined ? undefined : Number.parseInt(stepLabel, 10),
    background: labels[ANALYSIS_KIND_LABEL] === ANALYSIS_KIND_BACKGROUND,
    phase: toPhase(status.phase),
    message: status.message,
    terminated: spec.terminate === true,
    createdAtMs: parseTime(run.metadata?.creationTimestamp),
    ...decidedValues(run, status.phase),
  };
}

function listAnalysisRuns(input: SnapshotInput): AnalysisRunView[] {
  const { rollout, world } = input;
  return world.analysisRuns
    .list(rollout.metadata.namespace ?? '')
    .filter((run) => run.metadata?.labels?.[ROLLOUT_NAME_LABEL] === buildNameLabelValue(rollout.metadata.name))
    .filter((run) => isControlledBy(run.metadata, rollout.metadata.uid))
    .map(toAnalysisRunView);
}

/** The Services the strategy names, by role (absent ones are reported in specProblems). */
function servicesOf(rollout: Rollout, lookup: ServiceLookup): CanarySnapshot['services'] {
  const { canary, blueGreen } = rollout.spec.strategy;
  if (blueGreen !== undefined) {
    return { active: serviceView(lookup, blueGreen.activeService), preview: serviceView(lookup, blueGreen.previewService) };
  }
  const baseline = serviceView(lookup, canary?.baseline?.service);
  return { stable: serviceView(lookup, canary?.stableService), canary: serviceView(lookup, canary?.canaryService), ...(baseline !== undefined ? { baseline } : {}) };
}

function withPods(pods: PodView[] | undefined): { pods?: PodView[] } {
  return pods === undefined ? {} : { pods };
}

/** Pods of the Rollout's own ReplicaSets, read only when spec.restartAt asks for a restart. */
function listPods(input: SnapshotInput, replicaSets: readonly ReplicaSetView[]): PodView[] | undefined {
  const { rollout, world } = input;
  if (rollout.spec.restartAt === undefined || rollout.status?.restartedAt === rollout.spec.restartAt) return undefined;
  const hashes = new Set(replicaSets.filter((rs) => rs.ownedByRollout).map((rs) => rs.podTemplateHash));
  return world.pods.list(rollout.metadata.namespace ?? '')
    .filter((pod) => hashes.has(pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? ''))
    .map(toPodView);
}

function isTerminating(pod: k8s.V1Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp !== undefined || phase === 'Failed' || phase === 'Succeeded';
}

function toPodView(pod: k8s.V1Pod): PodView {
  const meta = pod.metadata ?? {};
  const terminating = isTerminating(pod);
  return {
    name: meta.name ?? '',
    podTemplateHash: meta.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
    createdAtMs: parseTime(meta.creationTimestamp) ?? 0,
    terminating,
    ready: !terminating && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
  };
}

export function buildCanarySnapshot(input: SnapshotInput): CanarySnapshot {
  const { rollout, world } = input;
  const namespace = rollout.metadata.namespace ?? '';
  const replicaSets = listReplicaSets(input);
  const lookup: ServiceLookup = { world, namespace, replicaSets };
  return {
    rollout,
    replicaSets,
    services: servicesOf(rollout, lookup),
    traffic: rollout.spec.strategy.canary?.trafficRouting ? world.router.observe(rollout) : undefined,
    analysisRuns: listAnalysisRuns(input),
    ...withPods(listPods(input, replicaSets)),
    specProblems: findSpecProblems(rollout, world),
    routePropagationDelayMs: input.routePropagationDelayMs,
  };
}
