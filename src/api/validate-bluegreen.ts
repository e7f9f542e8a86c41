/**
 * The semantic rules of `spec.strategy.blueGreen` that a schema cannot express, read from the
 * document as written (like validate-rollout.ts): each rule skips a field of the wrong shape, which
 * the schema already reports.
 */
import { POD_TEMPLATE_HASH_LABEL } from './labels.js';
import type { Problem } from './problems.js';

const BLUE_GREEN = 'spec.strategy.blueGreen';

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkServices(blueGreen: Fields): Problem[] {
  const { activeService, previewService } = blueGreen;
  if (typeof activeService !== 'string' || activeService !== previewService) return [];
  return [{ path: `${BLUE_GREEN}.previewService`, message: `must differ from activeService (both are "${activeService}").` }];
}

/** spec.replicas defaults to 1, as the schema does. */
function checkPreviewReplicaCount(blueGreen: Fields, replicas: unknown): Problem[] {
  const count = blueGreen.previewReplicaCount;
  const desired = replicas === undefined ? 1 : replicas;
  if (typeof count !== 'number' || typeof desired !== 'number' || count <= desired) return [];
  return [{ path: `${BLUE_GREEN}.previewReplicaCount`, message: `is ${count}, more than spec.replicas (${desired}).` }];
}

function checkAutoPromotion(blueGreen: Fields): Problem[] {
  if (blueGreen.autoPromotionEnabled !== false || blueGreen.autoPromotionSeconds === undefined) return [];
  return [{
    path: `${BLUE_GREEN}.autoPromotionSeconds`,
    message: 'is set while autoPromotionEnabled is false: promotion waits for kanary promote, so remove one of the two.',
  }];
}

/** Role labels may not touch the keys that select pods: the hash key and the Rollout's selector keys. */
function checkRoleLabels(blueGreen: Fields, spec: Fields): Problem[] {
  const selector = isFields(spec.selector) && isFields(spec.selector.matchLabels) ? Object.keys(spec.selector.matchLabels) : [];
  const reserved = new Set([POD_TEMPLATE_HASH_LABEL, ...selector]);
  return (['activeMetadata', 'previewMetadata'] as const).flatMap((field) => {
    const labels = isFields(blueGreen[field]) ? (blueGreen[field] as Fields).labels : undefined;
    if (!isFields(labels)) return [];
    return Object.keys(labels).filter((key) => reserved.has(key)).map((key) => ({
      path: `${BLUE_GREEN}.${field}.labels.${key}`,
      message: 'selects pods (the Rollout\'s selector or the pod-template hash): a role label must use another key.',
    }));
  });
}

/** Every blue/green problem of a Rollout document; none when it has no blueGreen object. */
export function blueGreenProblems(raw: unknown): Problem[] {
  const spec = isFields(raw) ? raw.spec : undefined;
  const strategy = isFields(spec) ? spec.strategy : undefined;
  const blueGreen = isFields(strategy) ? strategy.blueGreen : undefined;
  if (!isFields(blueGreen) || !isFields(spec)) return [];
  return [...checkServices(blueGreen), ...checkPreviewReplicaCount(blueGreen, spec.replicas), ...checkAutoPromotion(blueGreen), ...checkRoleLabels(blueGreen, spec)];
}
