import type { Behaviour } from './behaviour.js';
import type { RandomSource } from './random.js';

/** Who answers: the simulated container behind a workload server. */
export interface WorkloadIdentity {
  pod: string;
  namespace: string;
  container: string;
  image: string;
  ip: string;
}

export interface ResponsePlan {
  statusCode: number;
  delayMs: number;
}

/** Draws the outcome of one request: three draws, always in the same order (error, slow, jitter). */
export function decideResponse(behaviour: Behaviour, random: RandomSource): ResponsePlan {
  const failed = random() < behaviour.errorRate;
  const slow = random() < behaviour.slowShare;
  const jitterMs = random() * behaviour.jitterMs;
  const baseMs = slow ? Math.max(behaviour.slowMs, behaviour.latencyMs) : behaviour.latencyMs;
  return {
    statusCode: failed ? behaviour.errorStatus : 200,
    delayMs: Math.round(baseMs + jitterMs),
  };
}

/** The JSON body of a response. */
export function buildResponseBody(
  identity: WorkloadIdentity,
  behaviour: Behaviour,
  statusCode: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    pod: identity.pod,
    namespace: identity.namespace,
    container: identity.container,
    image: identity.image,
    version: behaviour.version,
    ip: identity.ip,
  };
  if (behaviour.colour !== undefined) body['colour'] = behaviour.colour;
  if (statusCode >= 500) body['error'] = 'simulated failure';
  return body;
}
