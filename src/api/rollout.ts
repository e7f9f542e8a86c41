/**
 * The Rollout resource (kanary.dev/v1alpha1), field-compatible with Argo Rollouts' canary and
 * blueGreen strategies.
 * Parsing applies the SPEC §1 defaults. Spec objects are strict (unknown fields are errors for
 * `kanary lint`); the pod template keeps whatever Kubernetes fields it carries.
 */
import { z } from 'zod';
import { ANALYSIS_PHASES, CONDITION_STATUSES, PAUSE_REASONS, ROLLOUT_CONDITION_TYPES, ROLLOUT_PHASES } from './reasons.js';
import { ARGO_API_VERSION, KANARY_API_VERSION } from './labels.js';
import { rolloutJournalSchema } from './journal.js';
import { dryRunSchema, MAX_RETENTION_ENTRIES, measurementRetentionSchema } from './analysis.js';

/** Kubernetes IntOrString: `25%`, `3`, or a duration such as `30s`. */
export const intOrStringSchema = z.union([z.number().int(), z.string()]);
export type IntOrString = z.infer<typeof intOrStringSchema>;

export const stringMapSchema = z.record(z.string(), z.string());

const nonNegativeInt = () => z.number().int().min(0);

// ---------------------------------------------------------------- metadata and pod template

export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

export const labelSelectorRequirementSchema = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

export const labelSelectorSchema = z.strictObject({
  matchLabels: stringMapSchema.optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

export const containerPortSchema = z.looseObject({
  containerPort: z.number().int().min(1).max(65535),
  name: z.string().optional(),
  protocol: z.string().optional(),
});

export const containerSchema = z.looseObject({
  name: z.string().min(1),
  image: z.string().min(1),
  ports: z.array(containerPortSchema).optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const podSpecSchema = z.looseObject({
  containers: z.array(containerSchema).min(1),
});

export const podTemplateMetaSchema = z.looseObject({
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
});

export const podTemplateSchema = z.strictObject({
  metadata: podTemplateMetaSchema.optional(),
  spec: podSpecSchema,
});
export type PodTemplateSpec = z.infer<typeof podTemplateSchema>;

// ---------------------------------------------------------------- analysis references

export const analysisTemplateRefSchema = z.strictObject({
  templateName: z.string().min(1),
  clusterScope: z.boolean().optional(),
});
export type AnalysisTemplateRef = z.infer<typeof analysisTemplateRefSchema>;

export const analysisArgValueFromSchema = z.strictObject({
  podTemplateHashValue: z.enum(['Stable', 'Latest']).optional(),
  fieldRef: z.strictObject({ fieldPath: z.string().min(1) }).optional(),
});

export const rolloutAnalysisArgSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: analysisArgValueFromSchema.optional(),
});
export type RolloutAnalysisArg = z.infer<typeof rolloutAnalysisArgSchema>;

/** `steps[].analysis`: templates to run as a gate, with arguments. */
export const analysisStepRefSchema = z.strictObject({
  templates: z.array(analysisTemplateRefSchema).min(1),
  args: z.array(rolloutAnalysisArgSchema).optional(),
  /** Kept measurements per metric; before the templates' own entries (the first match wins). */
  measurementRetention: z.array(measurementRetentionSchema).max(MAX_RETENTION_ENTRIES).optional(),
  /** Metrics measured and recorded but never failing the run; added to the templates' own dryRun. */
  dryRun: z.array(dryRunSchema).max(100).optional(),
});
export type AnalysisStepRef = z.infer<typeof analysisStepRefSchema>;

/** `strategy.canary.analysis`: background analysis from `startingStep` until promotion. */
export const backgroundAnalysisSchema = z.strictObject({
  templates: z.array(analysisTemplateRefSchema).min(1),
  args: z.array(rolloutAnalysisArgSchema).optional(),
  measurementRetention: z.array(measurementRetentionSchema).max(MAX_RETENTION_ENTRIES).optional(),
  /** Metrics measured and recorded but never failing the run; added to the templates' own dryRun. */
  dryRun: z.array(dryRunSchema).max(100).optional(),
  startingStep: nonNegativeInt().optional(),
});
export type BackgroundAnalysis = z.infer<typeof backgroundAnalysisSchema>;

// ---------------------------------------------------------------- canary strategy

export const pauseStepSchema = z.strictObject({
  duration: intOrStringSchema.optional(),
});
export type PauseStep = z.infer<typeof pauseStepSchema>;

export const setCanaryScaleSchema = z.strictObject({
  replicas: nonNegativeInt().optional(),
  weight: z.number().int().min(0).max(100).optional(),
  matchTrafficWeight: z.boolean().optional(),
});
export type SetCanaryScale = z.infer<typeof setCanaryScaleSchema>;

/** Argo's StringMatch: exactly one of exact, prefix, regex (checked by validateRollout). */
export const stringMatchSchema = z.strictObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type StringMatch = z.infer<typeof stringMatchSchema>;

/** `setHeaderRoute.match[]`: one request header and how its value matches. */
export const headerRouteMatchSchema = z.strictObject({
  headerName: z.string().optional(),
  headerValue: stringMatchSchema.optional(),
});
export type HeaderRouteMatch = z.infer<typeof headerRouteMatchSchema>;

/**
 * `setHeaderRoute` (Argo's step): requests carrying every listed header go to the canary Service.
 * Without `match` the step removes the route. The name must be listed in trafficRouting.managedRoutes.
 */
export const setHeaderRouteSchema = z.strictObject({
  name: z.string().min(1),
  match: z.array(headerRouteMatchSchema).optional(),
});
export type SetHeaderRoute = z.infer<typeof setHeaderRouteSchema>;

/** `setMirrorRoute.match[]`: the requests to mirror (all given conditions hold); `path` is refused on Emissary. */
export const mirrorRouteMatchSchema = z.strictObject({
  method: stringMatchSchema.optional(),
  path: stringMatchSchema.optional(),
  headers: z.record(z.string(), stringMatchSchema).optional(),
});
export type MirrorRouteMatch = z.infer<typeof mirrorRouteMatchSchema>;

/**
 * `setMirrorRoute` (Argo's step): a copy of `percentage`% (default 100) of the matching requests goes
 * to the canary Service, its response discarded. Without `match` the step removes the route.
 */
export const setMirrorRouteSchema = z.strictObject({
  name: z.string().min(1),
  match: z.array(mirrorRouteMatchSchema).optional(),
  percentage: z.number().int().optional(),
});
export type SetMirrorRoute = z.infer<typeof setMirrorRouteSchema>;

/** One step: exactly one of the kinds is set (checked by validateRollout). */
export const canaryStepSchema = z.strictObject({
  setWeight: z.number().int().min(0).max(100).optional(),
  pause: pauseStepSchema.optional(),
  setCanaryScale: setCanaryScaleSchema.optional(),
  analysis: analysisStepRefSchema.optional(),
  setHeaderRoute: setHeaderRouteSchema.optional(),
  setMirrorRoute: setMirrorRouteSchema.optional(),
});
export type CanaryStep = z.infer<typeof canaryStepSchema>;
export const CANARY_STEP_KINDS = ['setWeight', 'pause', 'setCanaryScale', 'analysis', 'setHeaderRoute', 'setMirrorRoute'] as const;
export type CanaryStepKind = (typeof CANARY_STEP_KINDS)[number];

export const ambassadorTrafficRoutingSchema = z.strictObject({
  mappings: z.array(z.string().min(1)).min(1),
  /**
   * Deprecated: chooses nothing. The controller reads and writes every Mapping in one apiVersion
   * (--ambassador-api-version); this is accepted only when it names that version, otherwise the
   * Rollout is InvalidSpec (traffic/ambassador.ts, docs/emissary.md).
   */
  apiVersion: z.enum(['getambassador.io/v2', 'getambassador.io/v3alpha1']).optional(),
});

/** `trafficRouting.managedRoutes[]`: the header and mirror routes steps may set; earlier ones take precedence. */
export const managedRouteSchema = z.strictObject({
  name: z.string().min(1),
});

export const trafficRoutingSchema = z.strictObject({
  ambassador: ambassadorTrafficRoutingSchema,
  managedRoutes: z.array(managedRouteSchema).optional(),
});
export type TrafficRouting = z.infer<typeof trafficRoutingSchema>;

/** `activeMetadata` / `previewMetadata` / `canaryMetadata` / `stableMetadata`: labels and annotations put on that role's pods. */
export const roleMetadataSchema = z.strictObject({
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
});
export type RoleMetadata = z.infer<typeof roleMetadataSchema>;

/**
 * `antiAffinity` (Argo's field): a new revision's pods avoid the nodes of the stable revision's
 * pods. Exactly one of the two: required (pods not scheduled otherwise) or preferred with a weight.
 */
export const antiAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({}).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.strictObject({ weight: z.number().int().min(1).max(100) }).optional(),
}).refine((a) => (a.requiredDuringSchedulingIgnoredDuringExecution === undefined) !== (a.preferredDuringSchedulingIgnoredDuringExecution === undefined), {
  message: 'set exactly one of requiredDuringSchedulingIgnoredDuringExecution and preferredDuringSchedulingIgnoredDuringExecution',
});
export type AntiAffinity = z.infer<typeof antiAffinitySchema>;

/** `canary.baseline`: the Service Kanary points at the baseline ReplicaSet (its pod-template-hash key). */
export const canaryBaselineSchema = z.strictObject({
  service: z.string().min(1),
});
export type CanaryBaseline = z.infer<typeof canaryBaselineSchema>;

export const canaryStrategySchema = z.strictObject({
  canaryService: z.string().min(1).optional(),
  stableService: z.string().min(1).optional(),
  steps: z.array(canaryStepSchema).optional(),
  maxSurge: intOrStringSchema.default('25%'),
  maxUnavailable: intOrStringSchema.default('25%'),
  analysis: backgroundAnalysisSchema.optional(),
  trafficRouting: trafficRoutingSchema.optional(),
  scaleDownDelaySeconds: nonNegativeInt().default(30),
  abortScaleDownDelaySeconds: nonNegativeInt().default(30),
  dynamicStableScale: z.boolean().default(false),
  /** With traffic routing: the canary ReplicaSet never has fewer pods than this while it has any (Argo's field). */
  minPodsPerReplicaSet: z.number().int().min(1).optional(),
  /** With traffic routing: at most this many older ReplicaSets keep their pods through scaleDownDelaySeconds; older ones go to 0 at once (Argo's field). */
  scaleDownDelayRevisionLimit: nonNegativeInt().optional(),
  /** Labels and annotations on the canary's pods while it is the canary (Argo's field). */
  canaryMetadata: roleMetadataSchema.optional(),
  /** Labels and annotations on the stable pods; a canary that becomes stable takes them (Argo's field). */
  stableMetadata: roleMetadataSchema.optional(),
  antiAffinity: antiAffinitySchema.optional(),
  /**
   * Kanary extension: a ReplicaSet of the stable template at the canary's size behind `service` (a
   * Service you create, like canaryService), given the canary's weight through its own Mapping, so
   * analysis compares pods of the same age and load. Ambassador routing only; steps up to 50%.
   */
  baseline: canaryBaselineSchema.optional(),
});
export type CanaryStrategy = z.infer<typeof canaryStrategySchema>;

// ---------------------------------------------------------------- blue/green strategy

/** `prePromotionAnalysis` / `postPromotionAnalysis`: templates to run as a gate, with arguments. */
export const promotionAnalysisSchema = z.strictObject({
  templates: z.array(analysisTemplateRefSchema).min(1),
  args: z.array(rolloutAnalysisArgSchema).optional(),
  measurementRetention: z.array(measurementRetentionSchema).max(MAX_RETENTION_ENTRIES).optional(),
  /** Metrics measured and recorded but never failing the run; added to the templates' own dryRun. */
  dryRun: z.array(dryRunSchema).max(100).optional(),
});
export type PromotionAnalysis = z.infer<typeof promotionAnalysisSchema>;

/**
 * `strategy.blueGreen` (Argo Rollouts' fields): the new revision runs beside the old one behind
 * `previewService`; `activeService` is switched to it in one selector change once it is fully
 * available and the gates passed (docs/blue-green.md). Cross-field rules live in validateRollout.
 */
export const blueGreenStrategySchema = z.strictObject({
  activeService: z.string().min(1),
  previewService: z.string().min(1).optional(),
  autoPromotionEnabled: z.boolean().default(true),
  autoPromotionSeconds: nonNegativeInt().optional(),
  previewReplicaCount: nonNegativeInt().optional(),
  prePromotionAnalysis: promotionAnalysisSchema.optional(),
  postPromotionAnalysis: promotionAnalysisSchema.optional(),
  scaleDownDelaySeconds: nonNegativeInt().default(30),
  scaleDownDelayRevisionLimit: nonNegativeInt().optional(),
  abortScaleDownDelaySeconds: nonNegativeInt().default(30),
  activeMetadata: roleMetadataSchema.optional(),
  previewMetadata: roleMetadataSchema.optional(),
  antiAffinity: antiAffinitySchema.optional(),
});
export type BlueGreenStrategy = z.infer<typeof blueGreenStrategySchema>;

/** Exactly one of `canary` and `blueGreen` (checked by validateRollout, which names the field). */
export const rolloutStrategySchema = z.strictObject({
  canary: canaryStrategySchema.optional(),
  blueGreen: blueGreenStrategySchema.optional(),
});
export type RolloutStrategy = z.infer<typeof rolloutStrategySchema>;

/** The canary strategy's settings with their defaults when the Rollout is blue/green (no steps, no routing). */
const NO_CANARY: CanaryStrategy = canaryStrategySchema.parse({});

/** `strategy.canary`, or its defaults for a blue/green Rollout: code that reads canary settings needs no branch. */
export function canaryStrategyOf(rollout: { spec: { strategy: RolloutStrategy } }): CanaryStrategy {
  return rollout.spec.strategy.canary ?? NO_CANARY;
}

/** `spec.analysis`: how many complete AnalysisRuns of earlier revisions are kept. */
export const runHistorySchema = z.strictObject({
  successfulRunHistoryLimit: nonNegativeInt().default(5),
  unsuccessfulRunHistoryLimit: nonNegativeInt().default(5),
});

/** How the Deployment named by `spec.workloadRef` is scaled down (Argo's values). */
export const WORKLOAD_SCALE_DOWN_MODES = ['never', 'onsuccess', 'progressively'] as const;
export type WorkloadScaleDown = (typeof WORKLOAD_SCALE_DOWN_MODES)[number];
/** The only workload a Rollout may reference (checked by validateRollout, which names the field). */
export const WORKLOAD_REF_API_VERSION = 'apps/v1';
export const WORKLOAD_REF_KIND = 'Deployment';

/**
 * `spec.workloadRef` (Argo's field): the pod template comes from a Deployment in the Rollout's
 * namespace; `scaleDown` says what happens to that Deployment's own pods (docs/migrating-from-argo-rollouts.md).
 */
export const workloadRefSchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  scaleDown: z.enum(WORKLOAD_SCALE_DOWN_MODES).default('never'),
});
export type WorkloadRef = z.infer<typeof workloadRefSchema>;

export const rolloutSpecSchema = z.strictObject({
  replicas: nonNegativeInt().default(1),
  selector: labelSelectorSchema,
  /** Required unless spec.workloadRef is set; never both (validateRollout). */
  template: podTemplateSchema.optional(),
  workloadRef: workloadRefSchema.optional(),
  minReadySeconds: nonNegativeInt().default(0),
  revisionHistoryLimit: nonNegativeInt().default(10),
  progressDeadlineSeconds: z.number().int().min(1).default(600),
  progressDeadlineAbort: z.boolean().default(false),
  paused: z.boolean().default(false),
  /** Argo's field (set by `kanary restart`): every pod created before this RFC 3339 time is replaced. */
  restartAt: z.string().refine((t) => !Number.isNaN(Date.parse(t)), { message: 'must be an RFC 3339 time' }).optional(),
  analysis: runHistorySchema.default({ successfulRunHistoryLimit: 5, unsuccessfulRunHistoryLimit: 5 }),
  strategy: rolloutStrategySchema,
});
export type RolloutSpec = z.infer<typeof rolloutSpecSchema>;

// ---------------------------------------------------------------- status

export const pauseConditionSchema = z.object({
  reason: z.enum(PAUSE_REASONS),
  startTime: z.string(),
});
export type PauseCondition = z.infer<typeof pauseConditionSchema>;

export const rolloutConditionSchema = z.object({
  type: z.enum(ROLLOUT_CONDITION_TYPES),
  status: z.enum(CONDITION_STATUSES),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});
export type RolloutCondition = z.infer<typeof rolloutConditionSchema>;

export const weightDestinationSchema = z.object({
  weight: nonNegativeInt(),
  podTemplateHash: z.string().optional(),
});
export type WeightDestination = z.infer<typeof weightDestinationSchema>;

export const trafficWeightsSchema = z.object({
  canary: weightDestinationSchema,
  stable: weightDestinationSchema,
  /** canary.baseline: the baseline's weight and pod-template hash while it has a ReplicaSet or a Mapping. */
  baseline: weightDestinationSchema.optional(),
});
export type TrafficWeights = z.infer<typeof trafficWeightsSchema>;

export const rolloutAnalysisRunStatusSchema = z.object({
  name: z.string(),
  status: z.enum(ANALYSIS_PHASES),
  message: z.string().optional(),
});
export type RolloutAnalysisRunStatus = z.infer<typeof rolloutAnalysisRunStatusSchema>;

/** `status.canary.currentRoutes[]`: a header or mirror route the router has set, as this reconcile observed it (like `weights`). */
export const currentRouteSchema = z.object({
  name: z.string(),
  kind: z.enum(['header', 'mirror']),
});
export type CurrentRoute = z.infer<typeof currentRouteSchema>;

export const canaryStatusSchema = z.object({
  weights: trafficWeightsSchema.optional(),
  currentRoutes: z.array(currentRouteSchema).optional(),
  currentStepAnalysisRunStatus: rolloutAnalysisRunStatusSchema.optional(),
  currentBackgroundAnalysisRunStatus: rolloutAnalysisRunStatusSchema.optional(),
});
export type CanaryStatus = z.infer<typeof canaryStatusSchema>;

/** `status.blueGreen`: which hash each Service selects and the promotion gates' state. */
export const blueGreenStatusSchema = z.object({
  /** The pod-template hash the active Service selects (after this reconcile's writes). */
  activeSelector: z.string().optional(),
  /** The pod-template hash the preview Service selects. */
  previewSelector: z.string().optional(),
  /** The promotion pause of the current revision is over (promote, or autoPromotionSeconds elapsed). */
  pauseReleased: z.boolean().optional(),
  /** Gates passed: the new ReplicaSet is being scaled to full replicas for the switch. */
  scaleUpPreviewCheckPoint: z.boolean().optional(),
  prePromotionAnalysisRunStatus: rolloutAnalysisRunStatusSchema.optional(),
  postPromotionAnalysisRunStatus: rolloutAnalysisRunStatusSchema.optional(),
});
export type BlueGreenStatus = z.infer<typeof blueGreenStatusSchema>;

export const rolloutStatusSchema = z.object({
  phase: z.enum(ROLLOUT_PHASES).optional(),
  message: z.string().optional(),
  observedGeneration: z.number().int().optional(),
  currentPodHash: z.string().optional(),
  stableRS: z.string().optional(),
  currentStepIndex: nonNegativeInt().optional(),
  currentStepHash: z.string().optional(),
  pauseConditions: z.array(pauseConditionSchema).optional(),
  controllerPause: z.boolean().optional(),
  abort: z.boolean().optional(),
  abortedAt: z.string().optional(),
  promoteFull: z.boolean().optional(),
  /** The spec.restartAt whose restart is complete. */
  restartedAt: z.string().optional(),
  replicas: nonNegativeInt().optional(),
  updatedReplicas: nonNegativeInt().optional(),
  readyReplicas: nonNegativeInt().optional(),
  availableReplicas: nonNegativeInt().optional(),
  selector: z.string().optional(),
  canary: canaryStatusSchema.optional(),
  blueGreen: blueGreenStatusSchema.optional(),
  conditions: z.array(rolloutConditionSchema).optional(),
  /** The release journal (src/api/journal.ts). */
  journal: rolloutJournalSchema.optional(),
  /** spec.workloadRef: the metadata.generation of the Deployment last read (a string, as Argo writes it). */
  workloadObservedGeneration: z.string().optional(),
});
export type RolloutStatus = z.infer<typeof rolloutStatusSchema>;

// ---------------------------------------------------------------- the resource

export const rolloutSchema = z.strictObject({
  apiVersion: z.enum([KANARY_API_VERSION, ARGO_API_VERSION]).optional(),
  kind: z.literal('Rollout').optional(),
  metadata: objectMetaSchema,
  spec: rolloutSpecSchema,
  status: rolloutStatusSchema.optional(),
});
export type Rollout = z.infer<typeof rolloutSchema>;
/** What a user may write: defaults not yet applied. */
export type RolloutInput = z.input<typeof rolloutSchema>;
