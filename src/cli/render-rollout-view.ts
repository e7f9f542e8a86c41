/**
 * The model behind `kanary get rollout`: from a RolloutState and `now` to what the screen shows
 * (header facts, pause countdown, revisions -> ReplicaSets -> pods and AnalysisRuns). Pure. The same
 * model is printed by `-o json|yaml`.
 */
import type * as k8s from '@kubernetes/client-node';
import { analysisRunStatusSchema, type MetricResult } from '../api/analysis.js';
import { BASELINE_ROLE, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, ROLE_LABEL, SCALE_DOWN_DEADLINE_ANNOTATION } from '../api/labels.js';
import { canaryStrategyOf, rolloutSchema, type CanaryStep, type Rollout, type RolloutStatus } from '../api/rollout.js';
import { formatJudgedMetricLine, metricRowPhase } from './render-judge.js';
import { REDACTED, substituteArgs, type ResolvedArg } from '../analysis/args.js';
import { computeDesiredWeight } from '../core/desired-weight.js';
import { computePauseDurationMs } from '../core/pause.js';
import { formatMeasuredValue, inferValueUnit } from '../core/measured-value.js';
import type { AnalysisRunObject, RolloutState } from './rollout-tree.js';
import { buildPauseView, describeStep, type PauseView, verbCommand } from './render-rollout-pause.js';
import { buildBlueGreenView, type BlueGreenView } from './render-bluegreen.js';

export type RolloutPhaseView = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded' | 'Unknown';
export type ReplicaSetRole = 'stable' | 'canary' | 'old' | 'active' | 'preview' | 'baseline';
export type ReplicaSetStatus = 'Healthy' | 'Progressing' | 'ScaledDown';

export interface PodView {
  name: string;
  /** Phase, or the waiting/terminated reason of a container (CrashLoopBackOff, ...), or Terminating. */
  status: string;
  ready: string;
  restarts: number;
  ageMs: number | undefined;
}

export interface ReplicaSetView {
  name: string;
  role: ReplicaSetRole;
  status: ReplicaSetStatus;
  desired: number;
  ready: number;
  available: number;
  ageMs: number | undefined;
  /** Time left before the controller scales it to 0, when a scale-down deadline is set. */
  scaleDownInMs?: number;
  pods: PodView[];
}

export interface MetricView {
  name: string;
  phase: string;
  /** Latest measured value (JSON text, raw), absent when there is none. */
  value?: string;
  /** The same value for people: rounded, with the unit the query implies (`0.917`, `245 ms`). */
  displayValue?: string;
  /** The condition the value is held against, e.g. `result[0] >= 0.95`. */
  condition?: string;
  /** Why the latest measurement has no value (no data, error message). */
  message?: string;
  /** A judged metric's latest evidence in one line, e.g. `errors 2.4× stable, evidence 37 of 100 to abort`. */
  judge?: string;
}

export interface AnalysisRunView {
  name: string;
  kind: string;
  phase: string;
  ageMs: number | undefined;
  counts: { successful: number; failed: number; inconclusive: number; error: number };
  metrics: MetricView[];
}

export interface RevisionView {
  revision: number;
  replicaSets: ReplicaSetView[];
  analysisRuns: AnalysisRunView[];
}

export interface ImageView {
  image: string;
  tags: ('stable' | 'canary')[];
}

export interface RolloutView {
  name: string;
  namespace: string;
  phase: RolloutPhaseView;
  message?: string;
  ageMs: number | undefined;
  strategy: 'Canary' | 'BlueGreen';
  /** Blue/green Rollouts: the Services' hashes and where the release stands. */
  blueGreen?: BlueGreenView;
  /** 1-based current step and the step count; undefined without steps. */
  step?: { current: number; total: number; description: string };
  setWeight: number;
  actualWeight: number;
  /** status.canary.currentRoutes: `beta (header), copy (mirror)`; absent when none are set. */
  routes?: string;
  /** canary.baseline: `demo-x7k2 20%, 1/1 available`; absent while there is no baseline. */
  baseline?: string;
  images: ImageView[];
  replicas: { desired: number; current: number; updated: number; ready: number; available: number };
  pause?: PauseView;
  /** When aborted: the command that starts the steps again. */
  retryCommand?: string;
  revisions: RevisionView[];
  /** Why the spec could not be read (then most fields are defaults). */
  specProblems?: string[];
  /** The release journal's last decision in one line (status.journal.lastDecision). */
  lastDecision?: string;
  /** spec.workloadRef: `Deployment/web (scaleDown progressively)`. */
  workload?: string;
}

function ageOf(meta: { creationTimestamp?: Date | string } | undefined, now: number): number | undefined {
  const created = meta?.creationTimestamp;
  if (created === undefined) return undefined;
  const ms = typeof created === 'string' ? Date.parse(created) : created.getTime();
  return Number.isNaN(ms) ? undefined : Math.max(0, now - ms);
}

function hashOf(object: { metadata?: { labels?: Record<string, string> } }): string | undefined {
  return object.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
}

function revisionOf(rs: k8s.V1ReplicaSet | undefined): number {
  const value = Number(rs?.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) ? value : 0;
}

function containerIssue(statuses: readonly k8s.V1ContainerStatus[]): string | undefined {
  for (const status of statuses) {
    const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
    if (reason && reason !== 'Completed') return reason;
  }
  return undefined;
}

function podStatus(pod: k8s.V1Pod, statuses: readonly k8s.V1ContainerStatus[]): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  return containerIssue(statuses) ?? pod.status?.phase ?? 'Pending';
}

export function buildPodView(pod: k8s.V1Pod, now: number): PodView {
  const statuses = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers.length ?? statuses.length;
  const ready = statuses.filter((s) => s.ready).length;
  const status = podStatus(pod, statuses);
  return {
    name: pod.metadata?.name ?? '?',
    status,
    ready: `${ready}/${total}`,
    restarts: statuses.reduce((sum, s) => sum + s.restartCount, 0),
    ageMs: ageOf(pod.metadata, now),
  };
}

function replicaSetStatus(rs: k8s.V1ReplicaSet): ReplicaSetStatus {
  const desired = rs.spec?.replicas ?? 0;
  const { replicas = 0, availableReplicas = 0 } = rs.status ?? {};
  if (desired === 0 && replicas === 0) return 'ScaledDown';
  return availableReplicas >= desired && replicas === desired ? 'Healthy' : 'Progressing';
}

interface Hashes {
  stable?: string;
  current?: string;
  /** Blue/green: what the active and preview Services select (status.blueGreen). */
  blueGreen?: { active?: string; preview?: string };
}

function blueGreenRole(hash: string | undefined, selected: NonNullable<Hashes['blueGreen']>): ReplicaSetRole {
  if (hash !== undefined && hash === selected.active) return 'active';
  return hash !== undefined && hash === selected.preview ? 'preview' : 'old';
}

function isBaseline(rs: k8s.V1ReplicaSet): boolean {
  return rs.metadata?.labels?.[ROLE_LABEL] === BASELINE_ROLE;
}

function roleOf(rs: k8s.V1ReplicaSet, hashes: Hashes): ReplicaSetRole {
  if (isBaseline(rs)) return 'baseline';
  const hash = hashOf(rs);
  if (hashes.blueGreen !== undefined) return blueGreenRole(hash, hashes.blueGreen);
  if (hash !== undefined && hash === hashes.stable) return 'stable';
  return hash !== undefined && hash === hashes.current ? 'canary' : 'old';
}

function scaleDownIn(rs: k8s.V1ReplicaSet, now: number): number | undefined {
  const deadline = Date.parse(rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '');
  if (Number.isNaN(deadline) || (rs.spec?.replicas ?? 0) === 0) return undefined;
  return Math.max(0, deadline - now);
}

function podsOfReplicaSet(rs: k8s.V1ReplicaSet, pods: readonly k8s.V1Pod[]): k8s.V1Pod[] {
  const hash = hashOf(rs);
  return pods.filter((pod) => hash !== undefined && hashOf(pod) === hash);
}

function buildReplicaSetView(rs: k8s.V1ReplicaSet, ctx: { hashes: Hashes; pods: readonly k8s.V1Pod[]; now: number }): ReplicaSetView {
  const pods = podsOfReplicaSet(rs, ctx.pods)
    .map((pod) => buildPodView(pod, ctx.now))
    .sort((a, b) => a.name.localeCompare(b.name));
  const view: ReplicaSetView = {
    name: rs.metadata?.name ?? '?',
    role: roleOf(rs, ctx.hashes),
    status: replicaSetStatus(rs),
    desired: rs.spec?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    ageMs: ageOf(rs.metadata, ctx.now),
    pods,
  };
  const left = scaleDownIn(rs, ctx.now);
  return left === undefined ? view : { ...view, scaleDownInMs: left };
}

/** The run's args for display: plain values as given, secret-sourced ones as `***`. */
function displayArgs(run: AnalysisRunObject): ResolvedArg[] {
  const args = run.spec?.['args'];
  if (!Array.isArray(args)) return [];
  return (args as { name?: unknown; value?: unknown }[])
    .filter((arg) => typeof arg.name === 'string')
    .map((arg) => (typeof arg.value === 'string' ? { name: arg.name as string, value: arg.value, secret: false } : { name: arg.name as string, value: REDACTED, secret: true }));
}

/** A condition with `{{args.x}}` filled in when every referenced arg has a value; as written otherwise. */
function withArgs(condition: string, args: readonly ResolvedArg[]): string {
  const result = substituteArgs(condition, args);
  return result.ok ? result.redacted : condition;
}

function metricConditions(run: AnalysisRunObject): Map<string, string> {
  const args = displayArgs(run);
  const metrics = (run.spec?.['metrics'] ?? []) as { name?: unknown; successCondition?: unknown; failureCondition?: unknown }[];
  const conditions = new Map<string, string>();
  for (const metric of Array.isArray(metrics) ? metrics : []) {
    const condition = typeof metric.successCondition === 'string'
      ? metric.successCondition
      : typeof metric.failureCondition === 'string' ? `fails when ${metric.failureCondition}` : undefined;
    if (typeof metric.name === 'string' && condition) conditions.set(metric.name, withArgs(condition, args));
  }
  return conditions;
}

/** The raw value (for -o json) and the same for people. */
function valueFields(result: MetricResult, value: string): Pick<MetricView, 'value' | 'displayValue'> {
  return { value, displayValue: formatMeasuredValue(value, inferValueUnit(result.resolvedQuery, result.name)) };
}

function buildMetricView(result: MetricResult, condition: string | undefined): MetricView {
  const latest = result.measurements[result.measurements.length - 1];
  const view: MetricView = { name: result.name, phase: metricRowPhase(result) };
  if (condition !== undefined) view.condition = condition;
  const judge = formatJudgedMetricLine(result);
  if (judge !== undefined) view.judge = judge;
  if (latest?.value !== undefined) return { ...view, ...valueFields(result, latest.value) };
  const message = latest?.message ?? result.message;
  return message === undefined ? view : { ...view, message };
}

export function buildAnalysisRunView(run: AnalysisRunObject, now: number): AnalysisRunView {
  const parsed = analysisRunStatusSchema.safeParse(run.status ?? { phase: 'Pending' });
  const status = parsed.success ? parsed.data : { phase: 'Pending' as const, metricResults: [] };
  const conditions = metricConditions(run);
  const sum = (key: 'successful' | 'failed' | 'inconclusive' | 'error') =>
    status.metricResults.reduce((total, m) => total + m[key], 0);
  return {
    name: run.metadata?.name ?? '?',
    kind: run.metadata?.labels?.['kanary.dev/analysis-kind'] ?? 'step',
    phase: status.phase,
    ageMs: ageOf(run.metadata as { creationTimestamp?: string } | undefined, now),
    counts: { successful: sum('successful'), failed: sum('failed'), inconclusive: sum('inconclusive'), error: sum('error') },
    metrics: status.metricResults.map((m) => buildMetricView(m, conditions.get(m.name))),
  };
}

function buildRevisions(state: RolloutState, hashes: Hashes, now: number): RevisionView[] {
  const byRevision = new Map<number, RevisionView>();
  const revisionOfHash = new Map<string, number>();
  // A baseline is no revision of its own: it is shown with the stable revision whose pods it copies.
  const stableRevision = revisionOf(state.replicaSets.find((rs) => !isBaseline(rs) && hashOf(rs) === hashes.stable));
  for (const rs of state.replicaSets) {
    const revision = isBaseline(rs) ? stableRevision : revisionOf(rs);
    const entry = byRevision.get(revision) ?? { revision, replicaSets: [], analysisRuns: [] };
    entry.replicaSets.push(buildReplicaSetView(rs, { hashes, pods: state.pods, now }));
    byRevision.set(revision, entry);
    const hash = hashOf(rs);
    if (hash !== undefined) revisionOfHash.set(hash, revision);
  }
  for (const run of state.analysisRuns) {
    const entry = byRevision.get(revisionOfHash.get(hashOf(run) ?? '') ?? -1);
    entry?.analysisRuns.push(buildAnalysisRunView(run, now));
  }
  for (const entry of byRevision.values()) entry.analysisRuns.sort((a, b) => a.name.localeCompare(b.name));
  return [...byRevision.values()].sort((a, b) => b.revision - a.revision);
}

function templateImages(rs: k8s.V1ReplicaSet | undefined): string[] {
  return (rs?.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '?');
}

function buildImages(state: RolloutState, hashes: Hashes, spec: Rollout['spec'] | undefined): ImageView[] {
  const find = (hash: string | undefined) => state.replicaSets.find((rs) => hash !== undefined && hashOf(rs) === hash);
  const stable = templateImages(find(hashes.stable));
  const canary = hashes.stable !== undefined && hashes.current !== hashes.stable ? templateImages(find(hashes.current)) : [];
  const images: ImageView[] = [];
  const add = (image: string, tag: 'stable' | 'canary') => {
    const existing = images.find((i) => i.image === image);
    if (existing) existing.tags.push(tag);
    else images.push({ image, tags: [tag] });
  };
  stable.forEach((image) => add(image, 'stable'));
  canary.forEach((image) => add(image, 'canary'));
  if (images.length === 0) spec?.template?.spec.containers.forEach((c) => images.push({ image: c.image, tags: [] }));
  return images;
}

function buildStep(rollout: Rollout): RolloutView['step'] {
  const steps = canaryStrategyOf(rollout).steps ?? [];
  if (steps.length === 0) return undefined;
  const index = Math.min(rollout.status?.currentStepIndex ?? 0, steps.length);
  const step: CanaryStep | undefined = steps[index];
  const initial = rollout.status?.stableRS === undefined;
  const done = initial ? 'initial deploy: steps skipped' : 'complete';
  const description = step === undefined ? done : describeStep(step);
  return { current: step === undefined ? steps.length : index + 1, total: steps.length, description };
}

/**
 * The share of traffic the current pod template receives: 100 once it is stable (or on an initial
 * deploy, when it is the only one); else the canary Mapping's weight, or without traffic routing
 * the current ReplicaSet's share of the available pods.
 */
function computeActualWeight(state: RolloutState, rollout: Rollout | undefined, hashes: Hashes): number {
  if (hashes.stable === undefined || hashes.current === hashes.stable) return 100;
  if (state.canaryWeight !== undefined) return state.canaryWeight;
  const available = state.replicaSets
    .filter((rs) => hashOf(rs) === hashes.current)
    .reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0);
  const total = rollout?.status?.availableReplicas ?? 0;
  return total > 0 ? Math.round((100 * available) / total) : 0;
}

function computeSetWeight(rollout: Rollout): number {
  const status = rollout.status;
  if (status?.stableRS !== undefined && status.stableRS === status.currentPodHash && !status.abort) return 100;
  return computeDesiredWeight({
    steps: canaryStrategyOf(rollout).steps ?? [],
    stepIndex: status?.currentStepIndex ?? 0,
    aborted: status?.abort === true,
    promoteFull: status?.promoteFull === true,
  });
}

function zodProblems(error: { issues: { path: PropertyKey[]; message: string }[] }): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

function buildReplicaCounts(rollout: Rollout | undefined, status: RolloutStatus): RolloutView['replicas'] {
  const { replicas = 0, updatedReplicas = 0, readyReplicas = 0, availableReplicas = 0 } = status;
  return { desired: rollout?.spec.replicas ?? 0, current: replicas, updated: updatedReplicas, ready: readyReplicas, available: availableReplicas };
}

function optionalText(status: RolloutStatus): Pick<RolloutView, 'message' | 'lastDecision'> {
  const lastDecision = status.journal?.lastDecision;
  return { ...(status.message !== undefined ? { message: status.message } : {}), ...(lastDecision !== undefined ? { lastDecision } : {}) };
}

/** The header and mirror routes set now, in one line. */
function describeRoutes(status: RolloutStatus): { routes?: string } {
  const routes = status.canary?.currentRoutes ?? [];
  return routes.length === 0 ? {} : { routes: routes.map((r) => `${r.name} (${r.kind})`).join(', ') };
}

/** The baseline's weight and pods in one line, from status.canary.weights.baseline and its ReplicaSet. */
function describeBaseline(state: RolloutState, status: RolloutStatus): { baseline?: string } {
  const weight = status.canary?.weights?.baseline;
  if (weight === undefined) return {};
  const rs = state.replicaSets.find((r) => isBaseline(r) && hashOf(r) === weight.podTemplateHash);
  if (rs === undefined) return { baseline: `${weight.weight}%, no ReplicaSet` };
  return { baseline: `${rs.metadata?.name ?? '?'} ${weight.weight}%, ${availableOf(rs)}/${rs.spec?.replicas ?? 0} available` };
}

function availableOf(rs: k8s.V1ReplicaSet): number {
  return rs.status?.availableReplicas ?? 0;
}

/** Everything that does not need a valid spec. */
function buildBaseView(state: RolloutState, rollout: Rollout | undefined, now: number): RolloutView {
  const status = (state.rollout.status ?? {}) as RolloutStatus;
  const selected = status.blueGreen === undefined ? {} : { blueGreen: { active: status.blueGreen.activeSelector, preview: status.blueGreen.previewSelector } };
  const hashes: Hashes = { stable: status.stableRS, current: status.currentPodHash, ...selected };
  const meta = state.rollout.metadata ?? {};
  return {
    name: meta.name ?? '?',
    namespace: meta.namespace ?? '?',
    phase: status.phase ?? 'Unknown',
    ...optionalText(status),
    ageMs: ageOf(meta, now),
    strategy: 'Canary',
    setWeight: rollout ? computeSetWeight(rollout) : 0,
    actualWeight: computeActualWeight(state, rollout, hashes),
    ...describeRoutes(status),
    ...describeBaseline(state, status),
    images: buildImages(state, hashes, rollout?.spec),
    replicas: buildReplicaCounts(rollout, status),
    revisions: buildRevisions(state, hashes, now),
  };
}

/** The whole view of one Rollout at `now` (epoch ms). */
export function buildRolloutView(state: RolloutState, now: number): RolloutView {
  const parsed = rolloutSchema.safeParse(state.rollout);
  const rollout = parsed.success ? parsed.data : undefined;
  const view = buildBaseView(state, rollout, now);
  if (!parsed.success) return { ...view, specProblems: zodProblems(parsed.error) };
  const step = buildStep(parsed.data);
  const pause = buildPauseView(parsed.data, { now, durationOf: computePauseDurationMs });
  const retry = parsed.data.status?.abort ? { retryCommand: verbCommand('retry', parsed.data) } : {};
  const blueGreen = buildBlueGreenView(parsed.data);
  const strategy = blueGreen ? { strategy: 'BlueGreen' as const, blueGreen } : {};
  return { ...view, ...strategy, ...(step ? { step } : {}), ...(pause ? { pause } : {}), ...retry, ...buildWorkload(parsed.data) };
}

function buildWorkload(rollout: Rollout): Pick<RolloutView, 'workload'> {
  const ref = rollout.spec.workloadRef;
  return ref === undefined ? {} : { workload: `${ref.kind}/${ref.name} (scaleDown ${ref.scaleDown})` };
}
