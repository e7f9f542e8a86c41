/**
 * Argo Rollouts fields that Kanary does not implement, with what to use instead where there is
 * something. Pure data plus one lookup: `kanary lint`, `kanary migrate`, the controller's
 * InvalidSpec condition and an invalid AnalysisRun's message all word them the same way (through
 * problemsFromZod). A field that no version of Argo Rollouts has is not listed here: it stays an
 * "unknown field".
 *
 * Paths are written as problem paths with every list index as `[]`. The paths of Rollout,
 * AnalysisTemplate/ClusterAnalysisTemplate and AnalysisRun documents do not overlap (a Rollout's
 * live under spec.strategy or are Rollout-only), so one table serves every kind.
 */

export type ArgoFieldSupport = 'not supported' | 'not supported yet';

export interface ArgoFieldHint {
  /** e.g. `spec.strategy.canary.steps[].experiment`. */
  path: string;
  support: ArgoFieldSupport;
  /** What to do instead, as a clause (no final full stop); absent when Kanary has nothing. */
  instead?: string;
}

const CANARY = 'spec.strategy.canary';
const BLUE_GREEN = 'spec.strategy.blueGreen';
const METRIC = 'spec.metrics[]';

const OTHER_ROUTERS = ['istio', 'nginx', 'alb', 'smi', 'appMesh', 'traefik', 'apisix', 'plugins'];
const OTHER_PROVIDERS = ['kayenta', 'datadog', 'wavefront', 'newRelic', 'job', 'cloudWatch', 'graphite', 'influxdb', 'skywalking', 'plugin'];
const ROLLOUT_ANALYSES = [`${CANARY}.analysis`, `${CANARY}.steps[].analysis`, `${BLUE_GREEN}.prePromotionAnalysis`, `${BLUE_GREEN}.postPromotionAnalysis`];

const NO_TLS_SKIP = 'Kanary always verifies TLS certificates';
const AUTH_IN_HEADERS = 'send credentials in headers (a header value may be {{args.NAME}} of a Secret arg)';
function hint(path: string, instead?: string, support: ArgoFieldSupport = 'not supported'): ArgoFieldHint {
  return instead === undefined ? { path, support } : { path, support, instead };
}

/** Every Argo Rollouts field Kanary refuses, in the order of the Argo types. */
export const ARGO_FIELD_HINTS: readonly ArgoFieldHint[] = [
  hint('spec.rollbackWindow', 'a rollback to the stable revision always skips the steps; older revisions go through them'),
  hint(`${CANARY}.pingPong`, 'use canaryService and stableService'),
  hint(`${CANARY}.replicaProgressThreshold`, 'a step waits until all the canary pods of its weight are available'),
  ...OTHER_ROUTERS.map((router) =>
    hint(`${CANARY}.trafficRouting.${router}`, 'use trafficRouting.ambassador (Emissary Mappings), or no trafficRouting for a replica-based canary'),
  ),
  hint(`${BLUE_GREEN}.maxUnavailable`, 'the old ReplicaSet keeps all its replicas until the switch, then goes to 0 after scaleDownDelaySeconds'),
  hint(`${CANARY}.trafficRouting.maxTrafficWeight`, 'weights are percentages from 0 to 100'),
  hint(`${CANARY}.steps[].experiment`, 'gate the step with an analysis step instead'),
  hint(`${CANARY}.steps[].plugin`, 'Kanary has no step plugins'),
  ...ROLLOUT_ANALYSES.flatMap((analysis) => [
    hint(`${analysis}.analysisRunMetadata`, 'AnalysisRuns carry Kanary\'s own labels only'),
  ]),
  hint('spec.templates', 'list the metrics in the template itself, or name several templates in the Rollout\'s analysis templates[]'),
  hint('spec.ttlStrategy', 'the Rollout\'s spec.analysis history limits decide which AnalysisRuns are kept'),
  hint('spec.args[].valueFrom.fieldRef', 'pass the value from the Rollout\'s analysis args (valueFrom.fieldRef is supported there)'),
  ...OTHER_PROVIDERS.map((provider) => hint(`${METRIC}.provider.${provider}`, 'use provider.prometheus or provider.web')),
  hint(`${METRIC}.provider.prometheus.authentication`, AUTH_IN_HEADERS),
  hint(`${METRIC}.provider.prometheus.insecure`, NO_TLS_SKIP),
  hint(`${METRIC}.provider.prometheus.rangeQuery`, 'Kanary runs instant queries: aggregate over time in PromQL (avg_over_time(...[5m]))'),
  hint(`${METRIC}.provider.web.authentication`, AUTH_IN_HEADERS),
  hint(`${METRIC}.provider.web.insecure`, NO_TLS_SKIP),
  hint(`${METRIC}.provider.web.jsonBody`, 'send the JSON as a string in body'),
];

const BY_PATH: ReadonlyMap<string, ArgoFieldHint> = new Map(ARGO_FIELD_HINTS.map((h) => [h.path, h]));

/** `spec.strategy.canary.steps[3].experiment` -> `spec.strategy.canary.steps[].experiment`. */
export function toPathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

/** The hint for a field path as a problem names it (list indexes included), if it is an Argo field. */
export function findArgoFieldHint(path: string): ArgoFieldHint | undefined {
  return BY_PATH.get(toPathPattern(path));
}

/** The problem message for an Argo Rollouts field Kanary refuses: one sentence. */
export function describeArgoField(hintEntry: ArgoFieldHint): string {
  const head = `Argo Rollouts field ${hintEntry.support} by Kanary`;
  return hintEntry.instead === undefined ? `${head}.` : `${head}; ${hintEntry.instead}.`;
}
