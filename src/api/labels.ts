/** Label, annotation and API-group constants shared by the controller, the CLI and the tests. */

export const KANARY_GROUP = 'kanary.dev';
export const KANARY_VERSION = 'v1alpha1';
export const KANARY_API_VERSION = `${KANARY_GROUP}/${KANARY_VERSION}` as const;
/** Argo Rollouts' apiVersion: accepted by `kanary lint`, runs unchanged as kanary.dev/v1alpha1. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

export const ROLLOUT_KIND = 'Rollout';
export const ROLLOUT_PLURAL = 'rollouts';
export const ANALYSIS_TEMPLATE_KIND = 'AnalysisTemplate';
export const ANALYSIS_TEMPLATE_PLURAL = 'analysistemplates';
export const CLUSTER_ANALYSIS_TEMPLATE_KIND = 'ClusterAnalysisTemplate';
export const CLUSTER_ANALYSIS_TEMPLATE_PLURAL = 'clusteranalysistemplates';
export const ANALYSIS_RUN_KIND = 'AnalysisRun';
export const ANALYSIS_RUN_PLURAL = 'analysisruns';

/** Ambassador / Emissary Mapping apiVersions Kanary reads and writes. */
export const AMBASSADOR_GROUP = 'getambassador.io';
export const AMBASSADOR_V2_API_VERSION = 'getambassador.io/v2';
export const AMBASSADOR_V3ALPHA1_API_VERSION = 'getambassador.io/v3alpha1';
export const DEFAULT_AMBASSADOR_API_VERSION = AMBASSADOR_V2_API_VERSION;
export const MAPPING_KIND = 'Mapping';
export const MAPPING_PLURAL = 'mappings';

/** On each ReplicaSet, its selector and pod template; also the key Kanary owns in Service selectors. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
/** On each EndpointSlice: the Service it belongs to (set by the endpointslice controller). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** On each ReplicaSet: the rollout revision it belongs to (1, 2, ...). */
export const REVISION_ANNOTATION = 'kanary.dev/revision';
/** On a ReplicaSet waiting to be scaled down: RFC 3339 time after which it goes to 0. */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'kanary.dev/scale-down-deadline';
/** On a blue/green ReplicaSet: the activeMetadata/previewMetadata Kanary put on its pods (JSON), to remove it when the role changes. */
export const ROLE_METADATA_ANNOTATION = 'kanary.dev/role-metadata';
/** On a ReplicaSet: the stable hash its pods' injected anti-affinity avoids (antiAffinity). */
export const ANTI_AFFINITY_ANNOTATION = 'kanary.dev/anti-affinity';
/**
 * On a baseline ReplicaSet, its pod template and pods: `baseline` (canary.baseline). A copy of the
 * stable pods at the canary's size, never taken for the stable or the canary ReplicaSet.
 */
export const ROLE_LABEL = 'kanary.dev/role';
export const BASELINE_ROLE = 'baseline';
/** On a canary Mapping whose weight went to 0: RFC 3339 time since when, for the propagation delay. */
export const CANARY_ZERO_SINCE_ANNOTATION = 'kanary.dev/zero-weight-since';

/**
 * On a canary Mapping Kanary created: how Kanary finds its canary Mappings (the CLI, the dashboard).
 * Canary Mappings keep the base Mapping's labels as they are, `app.kubernetes.io/managed-by`
 * included, because Emissary groups Mappings by the labels a Host's mappingSelector matches.
 */
export const CANARY_MAPPING_LABEL = 'kanary.dev/canary-mapping';
export const CANARY_MAPPING_LABEL_VALUE = 'true';
/**
 * On a canary Mapping: the label and annotation keys Kanary copied from the base Mapping (JSON), so
 * a key removed from the base is removed from the canary while others' keys are left alone.
 */
export const CANARY_COPIED_KEYS_ANNOTATION = 'kanary.dev/copied-from-base';
/** On a header or mirror route Mapping: the managedRoutes name it belongs to. */
export const MANAGED_ROUTE_LABEL = 'kanary.dev/managed-route';
/** On a header or mirror route Mapping: the route it was written for (JSON), compared on every reconcile. */
export const MANAGED_ROUTE_FINGERPRINT_ANNOTATION = 'kanary.dev/route';

/** Standard recommended label marking objects Kanary created (ReplicaSets; never canary Mappings). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kanary';

/** On AnalysisRuns: the Rollout that owns them. */
export const ROLLOUT_NAME_LABEL = 'kanary.dev/rollout';
/** On AnalysisRuns: `step` or `background`. */
export const ANALYSIS_KIND_LABEL = 'kanary.dev/analysis-kind';
export const ANALYSIS_KIND_STEP = 'step';
export const ANALYSIS_KIND_BACKGROUND = 'background';
/** Blue/green: the analysis before the active Service switches, and the one after. */
export const ANALYSIS_KIND_PRE_PROMOTION = 'pre-promotion';
export const ANALYSIS_KIND_POST_PROMOTION = 'post-promotion';
export type AnalysisKind =
  | typeof ANALYSIS_KIND_STEP
  | typeof ANALYSIS_KIND_BACKGROUND
  | typeof ANALYSIS_KIND_PRE_PROMOTION
  | typeof ANALYSIS_KIND_POST_PROMOTION;
/** On step AnalysisRuns: the index of the step that started them. */
export const STEP_INDEX_LABEL = 'kanary.dev/step-index';
