/**
 * The cluster model of canary-model.ts driven through planRollout with a blue/green Rollout: the
 * active and preview Services, AnalysisRuns whose phase a test sets, intents merged into status as
 * a JSON merge patch (nested objects merged), and a clock the requeues advance.
 */
import { rolloutSchema, type Rollout, type RolloutInput } from '../../src/api/rollout.js';
import { computeIntentPatch, type IntentVerb } from '../../src/core/intent-patches.js';
import { planRollout } from '../../src/core/plan-rollout.js';
import type { AnalysisPhase } from '../../src/api/reasons.js';
import { driverFor, T0, template, type Cluster } from './canary-model.js';

export { hashOf, replicasOf, rsOf, setImage, T0 } from './canary-model.js';

export function makeBlueGreen(blueGreen: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Rollout {
  const input = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: template('v1'),
      strategy: { blueGreen: { activeService: 'web-active', previewService: 'web-preview', ...blueGreen } },
      ...spec,
    },
  } as RolloutInput;
  return rolloutSchema.parse(input);
}

export function newBlueGreenCluster(rollout: Rollout): Cluster {
  return {
    rollout,
    replicaSets: [],
    services: { active: { name: 'web-active' }, preview: { name: 'web-preview' } },
    route: null,
    routes: [],
    trafficRouted: false,
    runs: [],
    specProblems: [],
    now: T0,
    broken: new Set(),
    events: [],
    weightHistory: [],
  };
}

export const { reconcile, settle, runFor } = driverFor((c) => planRollout({
  rollout: structuredClone(c.rollout),
  replicaSets: c.replicaSets.map((rs) => ({ ...rs })),
  services: structuredClone(c.services),
  analysisRuns: c.runs.map((r) => ({ ...r })),
  specProblems: c.specProblems,
}, c.now));

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object' && out[key] !== null) out[key] = mergePatch(out[key] as Record<string, unknown>, value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

export function intent(c: Cluster, verb: IntentVerb): void {
  const patch = computeIntentPatch(verb, c.rollout);
  if (patch.target === 'spec') {
    c.rollout = { ...c.rollout, spec: { ...c.rollout.spec, ...(patch.body.spec as object) } };
    return;
  }
  c.rollout = { ...c.rollout, status: mergePatch(c.rollout.status ?? {}, patch.body.status ?? {}) };
}

export function setRunPhase(c: Cluster, suffix: 'pre' | 'post', phase: AnalysisPhase): string {
  const run = [...c.runs].reverse().find((r) => !r.terminated && (r.name.endsWith(`-${suffix}`) || r.name.includes(`-${suffix}.`)));
  if (run === undefined) throw new Error(`no ${suffix}-promotion run`);
  run.phase = phase;
  return run.name;
}

export function deployedBlueGreen(blueGreen: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Cluster {
  const c = newBlueGreenCluster(makeBlueGreen(blueGreen, spec));
  settle(c);
  return c;
}

export const activeOf = (c: Cluster) => c.services.active?.selectorHash;
export const previewOf = (c: Cluster) => c.services.preview?.selectorHash;
