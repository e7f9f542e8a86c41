/**
 * What the dashboard shows, built from what the informers hold (pure: objects and `now` in, plain
 * JSON out). The overview row and the rollout page reuse the CLI's `get rollout` model
 * (buildRolloutView) and add what only a page can show: the step timeline, the canary weight over
 * time, the analysis measurements, the Mappings and which actions apply.
 */
import type * as k8s from '@kubernetes/client-node';
import { rolloutSchema, type Rollout } from '../api/rollout.js';
import { checkIntentApplies } from '../cli/intent-command.js';
import { describeStep } from '../cli/render-rollout-pause.js';
import { buildRolloutView, type RolloutView } from '../cli/render-rollout-view.js';
import { baseMappingNames, selectRolloutState, type AnalysisRunObject, type NamespaceObjects } from '../cli/rollout-tree.js';
import type { IntentVerb } from '../core/intent-patches.js';
import { canaryMappingName, mappingWeight, type MappingObject } from '../traffic/ambassador-mapping.js';
import { buildBlueGreenPage, buildJournalView, type BlueGreenPageView, type JournalEntryView } from './page-sections.js';
import type { WeightPoint } from './weight-history.js';

export const DASHBOARD_VERBS: readonly IntentVerb[] = ['promote', 'promoteFull', 'abort', 'retry', 'pause'];

export interface RolloutSummary {
  namespace: string;
  name: string;
  phase: string;
  strategy: 'Canary' | 'BlueGreen';
  /** Blue/green: the revision the active Service selects. */
  activeRevision?: number;
  /** `2/6`, or `-` without steps. */
  step: string;
  setWeight: number;
  actualWeight: number;
  images: string[];
  /** The controller's last word: status.message, else the newest condition's message. */
  message?: string;
  /** How long the current release has been running (since its canary ReplicaSet was created). */
  releaseAgeMs?: number;
  invalidSpec?: string;
}

export interface StepView {
  index: number;
  description: string;
  state: 'done' | 'current' | 'pending';
}

export interface MeasurementPoint {
  timeMs: number;
  value: number | null;
  phase: string;
}

export interface MetricSeries {
  run: string;
  metric: string;
  condition?: string;
  /** The number in a simple `result[0] >= 0.95` style condition, drawn as a line. */
  threshold?: number;
  points: MeasurementPoint[];
}

export interface MappingView {
  name: string;
  role: 'stable' | 'canary';
  weight: number | undefined;
  service?: string;
  prefix?: string;
}

export interface ActionView {
  verb: IntentVerb;
  /** Why the action does not apply now (the CLI's own message), when it does not. */
  disabledReason?: string;
}

export interface RolloutPage {
  summary: RolloutSummary;
  view: RolloutView;
  steps: StepView[];
  weightHistory: WeightPoint[];
  metrics: MetricSeries[];
  mappings: MappingView[];
  actions: ActionView[];
  /** The release journal, newest first. */
  journal: JournalEntryView[];
  blueGreen?: BlueGreenPageView;
}

function newestConditionMessage(raw: { status?: Record<string, unknown> }): string | undefined {
  const conditions = raw.status?.['conditions'];
  if (!Array.isArray(conditions)) return undefined;
  const sorted = (conditions as { message?: unknown; lastTransitionTime?: unknown }[])
    .filter((c) => typeof c.message === 'string' && c.message.length > 0)
    .sort((a, b) => String(b.lastTransitionTime ?? '').localeCompare(String(a.lastTransitionTime ?? '')));
  return sorted[0]?.message as string | undefined;
}

/** The InvalidSpec condition's message (or the schema's own complaint) when the spec cannot be used. */
export function findInvalidSpec(raw: { status?: Record<string, unknown> }, view: RolloutView): string | undefined {
  const conditions = raw.status?.['conditions'];
  const invalid = Array.isArray(conditions)
    ? (conditions as { type?: unknown; reason?: unknown; status?: unknown; message?: unknown }[])
      .find((c) => (c.type === 'InvalidSpec' || c.reason === 'InvalidSpec') && c.status !== 'False')
    : undefined;
  if (typeof invalid?.message === 'string') return invalid.message;
  return view.specProblems ? `InvalidSpec: ${view.specProblems.join('; ')}` : undefined;
}

function releaseAgeMs(view: RolloutView): number | undefined {
  const canary = view.revisions.flatMap((r) => r.replicaSets).find((rs) => rs.role === 'canary' || (rs.role === 'preview' && view.phase !== 'Healthy'));
  return canary?.ageMs;
}

function summarize(raw: NamespaceObjects['rollouts'][number], view: RolloutView): RolloutSummary {
  const summary: RolloutSummary = {
    namespace: view.namespace,
    name: view.name,
    phase: view.phase,
    strategy: view.strategy,
    step: view.step ? `${view.step.current}/${view.step.total}` : '-',
    setWeight: view.setWeight,
    actualWeight: view.actualWeight,
    images: view.images.map((i) => (i.tags.length > 0 ? `${i.image} (${i.tags.join(', ')})` : i.image)),
  };
  const message = view.message ?? newestConditionMessage(raw);
  if (message !== undefined) summary.message = message;
  const active = view.revisions.find((r) => r.replicaSets.some((rs) => rs.role === 'active'))?.revision;
  if (view.strategy === 'BlueGreen' && active !== undefined) summary.activeRevision = active;
  const age = releaseAgeMs(view);
  if (age !== undefined) summary.releaseAgeMs = age;
  const invalid = findInvalidSpec(raw, view);
  if (invalid !== undefined) summary.invalidSpec = invalid;
  return summary;
}

/** Every Rollout in `objects` (of any namespace), sorted by namespace then name. */
export function buildOverview(objects: NamespaceObjects, now: number): RolloutSummary[] {
  return objects.rollouts
    .map((raw) => {
      const state = selectRolloutState(inNamespace(objects, raw.metadata?.namespace), raw.metadata?.name ?? '');
      return state ? summarize(raw, buildRolloutView(state, now)) : undefined;
    })
    .filter((s): s is RolloutSummary => s !== undefined)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The objects of one namespace out of objects gathered across several. */
export function inNamespace(objects: NamespaceObjects, namespace: string | undefined): NamespaceObjects {
  const keep = <T extends k8s.KubernetesObject>(items: readonly T[]) => items.filter((o) => o.metadata?.namespace === namespace);
  return {
    rollouts: keep(objects.rollouts), replicaSets: keep(objects.replicaSets), pods: keep(objects.pods),
    analysisRuns: keep(objects.analysisRuns), mappings: keep(objects.mappings),
  };
}

export function buildSteps(rollout: Rollout | undefined): StepView[] {
  const steps = rollout?.spec.strategy.canary?.steps ?? [];
  const status = rollout?.status;
  const complete = status?.stableRS !== undefined && status.stableRS === status.currentPodHash;
  const index = complete ? steps.length : (status?.currentStepIndex ?? 0);
  return steps.map((step, i) => ({
    index: i,
    description: describeStep(step),
    state: i < index ? 'done' : i === index ? 'current' : 'pending',
  }));
}

/** `result[0] >= 0.95`, `result < 500`, `0.9 <= result`: the number compared against. */
export function parseThreshold(condition: string | undefined): number | undefined {
  if (condition === undefined) return undefined;
  const match = /(?:[<>]=?|==)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition.trim()) ?? /^\s*(-?\d+(?:\.\d+)?)\s*(?:[<>]=?|==)/.exec(condition);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A measured value (JSON text) as one number: a number, or the first number of an array. */
export function parseMeasuredValue(value: string | undefined): number | null {
  if (value === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return typeof first === 'number' && Number.isFinite(first) ? first : null;
  } catch {
    return null;
  }
}

interface RawMetricResult {
  name?: unknown;
  measurements?: { phase?: unknown; value?: string; finishedAt?: string; startedAt?: string }[];
}

function buildPoints(result: RawMetricResult): MeasurementPoint[] {
  return (result.measurements ?? []).map((m) => ({
    timeMs: Date.parse(m.finishedAt ?? m.startedAt ?? '') || 0,
    value: parseMeasuredValue(m.value),
    phase: String(m.phase ?? '?'),
  }));
}

function buildSeries(run: string, result: RawMetricResult, condition: string | undefined): MetricSeries {
  const entry: MetricSeries = { run, metric: String(result.name ?? '?'), points: buildPoints(result) };
  if (condition !== undefined) entry.condition = condition;
  const threshold = parseThreshold(condition);
  if (threshold !== undefined) entry.threshold = threshold;
  return entry;
}

export function buildMetricSeries(runs: readonly AnalysisRunObject[], conditions: ReadonlyMap<string, string | undefined>): MetricSeries[] {
  return runs.flatMap((run) => {
    const results = run.status?.['metricResults'];
    const runName = run.metadata?.name ?? '?';
    return (Array.isArray(results) ? (results as RawMetricResult[]) : [])
      .map((result) => buildSeries(runName, result, conditions.get(`${runName}/${String(result.name ?? '?')}`)));
  });
}

function metricConditions(view: RolloutView): Map<string, string | undefined> {
  const map = new Map<string, string | undefined>();
  for (const run of view.revisions.flatMap((r) => r.analysisRuns)) {
    for (const metric of run.metrics) map.set(`${run.name}/${metric.name}`, metric.condition);
  }
  return map;
}

export function buildMappingViews(raw: NamespaceObjects['rollouts'][number], mappings: readonly MappingObject[]): MappingView[] {
  const views: MappingView[] = [];
  for (const base of baseMappingNames(raw)) {
    for (const [name, role] of [[base, 'stable'], [canaryMappingName(base), 'canary']] as const) {
      const mapping = mappings.find((m) => m.metadata?.name === name);
      if (!mapping) continue;
      const spec = (mapping as { spec?: { service?: unknown; prefix?: unknown } }).spec;
      const view: MappingView = { name, role, weight: mappingWeight(mapping) };
      if (typeof spec?.service === 'string') view.service = spec.service;
      if (typeof spec?.prefix === 'string') view.prefix = spec.prefix;
      views.push(view);
    }
  }
  return views;
}

export function buildActions(rollout: Rollout | undefined, invalid: string | undefined): ActionView[] {
  return DASHBOARD_VERBS.map((verb) => {
    if (!rollout) return { verb, disabledReason: invalid ?? 'the spec is invalid' };
    const reason = checkIntentApplies(verb, rollout);
    return reason === undefined ? { verb } : { verb, disabledReason: reason };
  });
}

/** One Rollout's page, or undefined when it is not (or no longer) there. */
export function buildRolloutPage(objects: NamespaceObjects, target: { namespace: string; name: string }, history: readonly WeightPoint[], now: number): RolloutPage | undefined {
  const scoped = inNamespace(objects, target.namespace);
  const state = selectRolloutState(scoped, target.name);
  if (!state) return undefined;
  const view = buildRolloutView(state, now);
  const parsed = rolloutSchema.safeParse(state.rollout);
  const rollout = parsed.success ? parsed.data : undefined;
  const summary = summarize(state.rollout, view);
  const blueGreen = buildBlueGreenPage(rollout, view.blueGreen, state.replicaSets);
  return {
    summary,
    view,
    steps: buildSteps(rollout),
    weightHistory: [...history],
    metrics: buildMetricSeries(state.analysisRuns, metricConditions(view)),
    mappings: buildMappingViews(state.rollout, scoped.mappings),
    actions: buildActions(rollout, summary.invalidSpec),
    journal: buildJournalView(state.rollout),
    ...(blueGreen !== undefined ? { blueGreen } : {}),
  };
}
