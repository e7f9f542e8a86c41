import { z } from 'zod';

/** How a simulated container behaves. Every field has a value once resolved. */
export interface Behaviour {
  /** Reported in the response body; defaults to the image tag. */
  version?: string;
  /** Reported in the response body (the demo shows it). */
  colour?: string;
  /** Base latency of every response. */
  latencyMs: number;
  /** Uniform extra latency in [0, jitterMs). */
  jitterMs: number;
  /** Share (0..1) of responses that take slowMs instead. */
  slowShare: number;
  slowMs: number;
  /** Share (0..1) of responses answered with errorStatus. */
  errorRate: number;
  errorStatus: number;
  /** The container turns Ready this long after it starts. */
  readinessDelayMs: number;
  /** Running, never Ready. */
  neverReady: boolean;
  /** The container exits with code 1 this long after each start. */
  crashAfterMs?: number;
}

const share = z.number().min(0).max(1);
const durationMs = z.number().int().min(0).max(3_600_000);

/** The fields of a Behaviour, all optional: used for catalog entries and the pod annotation. */
export const behaviourOverrideSchema = z.strictObject({
  version: z.string().min(1).max(64).optional(),
  colour: z.string().min(1).max(32).optional(),
  latencyMs: durationMs.optional(),
  jitterMs: durationMs.optional(),
  slowShare: share.optional(),
  slowMs: durationMs.optional(),
  errorRate: share.optional(),
  errorStatus: z.number().int().min(500).max(599).optional(),
  readinessDelayMs: durationMs.optional(),
  neverReady: z.boolean().optional(),
  crashAfterMs: z.number().int().min(1).max(3_600_000).optional(),
});

export type BehaviourOverride = z.infer<typeof behaviourOverrideSchema>;

export const defaultBehaviour: Behaviour = {
  latencyMs: 2,
  jitterMs: 3,
  slowShare: 0,
  slowMs: 0,
  errorRate: 0,
  errorStatus: 500,
  readinessDelayMs: 300,
  neverReady: false,
};

export type OverrideParseResult =
  | { ok: true; override: BehaviourOverride }
  | { ok: false; error: string };

/** Parses the JSON text of the `sim.kanary.dev/behaviour` annotation. */
export function parseBehaviourOverride(text: string): OverrideParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = behaviourOverrideSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: z.prettifyError(parsed.error).replace(/\n/g, '; ') };
  }
  return { ok: true, override: parsed.data };
}

/** Applies overrides left to right over a complete behaviour. */
export function mergeBehaviour(base: Behaviour, ...overrides: BehaviourOverride[]): Behaviour {
  const merged: Behaviour = { ...base };
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override)) {
      if (value !== undefined) {
        (merged as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return merged;
}
