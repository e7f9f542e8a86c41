/** Follows the demo Rollout (a short poll: this is the demo, not the controller) and its live facts. */
import * as k8s from '@kubernetes/client-node';

export interface RolloutFacts {
  phase: string;
  message: string;
  stepIndex: number | undefined;
  stepCount: number;
  abort: boolean;
  stableHash: string | undefined;
  currentHash: string | undefined;
  image: string;
  pauseReasons: string[];
  /** status.observedGeneration equals metadata.generation: the status describes the current spec. */
  observed: boolean;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function firstImage(ro: Obj): string {
  const containers = (ro.spec?.template?.spec?.containers ?? []) as Obj[];
  return String(containers[0]?.image ?? '');
}

function readSteps(ro: Obj): { steps: unknown[]; pauses: Obj[]; status: Obj } {
  const status = (ro.status ?? {}) as Obj;
  return { status, steps: (ro.spec?.strategy?.canary?.steps ?? []) as unknown[], pauses: (status.pauseConditions ?? []) as Obj[] };
}

export function readRolloutFacts(ro: Obj): RolloutFacts {
  const { status, steps, pauses } = readSteps(ro);
  return {
    phase: optionalString(status.phase) ?? 'Unknown',
    message: optionalString(status.message) ?? '',
    stepIndex: typeof status.currentStepIndex === 'number' ? status.currentStepIndex : undefined,
    stepCount: steps.length,
    abort: status.abort === true,
    stableHash: optionalString(status.stableRS),
    currentHash: optionalString(status.currentPodHash),
    image: firstImage(ro),
    pauseReasons: pauses.map((p) => String(p.reason ?? '')),
    observed: String(status.observedGeneration ?? '') === String(ro.metadata?.generation ?? '-'),
  };
}

/** A release is in its canary steps: updated, not yet promoted, not aborted. */
export function isAtCanaryStep(facts: RolloutFacts): boolean {
  return !facts.abort && facts.currentHash !== undefined && facts.stableHash !== facts.currentHash
    && facts.stepIndex !== undefined && facts.stepIndex < facts.stepCount;
}

export interface RolloutObserverOptions {
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  name: string;
  pollMs?: number;
  onChange?: (facts: RolloutFacts) => void;
}

export interface RolloutObserver {
  facts(): RolloutFacts | undefined;
  stop(): void;
}

export function observeRollout(options: RolloutObserverOptions): RolloutObserver {
  const api = options.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  let latest: RolloutFacts | undefined;
  let lastText = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      const ro = await api.getNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace: options.namespace, name: options.name });
      latest = readRolloutFacts(ro as Obj);
      const text = JSON.stringify(latest);
      if (text !== lastText) {
        lastText = text;
        options.onChange?.(latest);
      }
    } catch {
      // not created yet or a transient error: keep the last facts
    }
    if (!stopped) timer = setTimeout(() => void poll(), options.pollMs ?? 250);
  };
  void poll();
  return {
    facts: () => latest,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
