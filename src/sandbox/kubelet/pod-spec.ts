import type * as k8s from '@kubernetes/client-node';
import type { Behaviour, BehaviourOverride } from './behaviour.js';
import { parseBehaviourOverride } from './behaviour.js';
import { resolveBehaviour } from './catalog.js';

/** Per-pod behaviour override: JSON with the fields of a catalog entry. */
export const behaviourAnnotation = 'sim.kanary.dev/behaviour';

/** What the kubelet needs to run one container of a pod. */
export interface ContainerPlan {
  name: string;
  image: string;
  ports: number[];
  behaviour: Behaviour;
  readinessDelayMs: number;
}

export interface PodPlan {
  containers: ContainerPlan[];
  initContainers: { name: string; image: string }[];
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** Set when the annotation was present but unusable (it is then ignored). */
  annotationError?: string;
}

function readOverride(pod: k8s.V1Pod): { override?: BehaviourOverride; error?: string } {
  const text = pod.metadata?.annotations?.[behaviourAnnotation];
  if (text === undefined) return {};
  const parsed = parseBehaviourOverride(text);
  return parsed.ok ? { override: parsed.override } : { error: parsed.error };
}

function tcpPorts(container: k8s.V1Container): number[] {
  const ports = (container.ports ?? [])
    .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
    .map((p) => p.containerPort);
  return [...new Set(ports)];
}

/** A readiness probe's initialDelaySeconds can only make the container Ready later, never sooner. */
function readinessDelay(container: k8s.V1Container, behaviour: Behaviour): number {
  const probeDelayMs = (container.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
  return Math.max(behaviour.readinessDelayMs, probeDelayMs);
}

function restartPolicyOf(pod: k8s.V1Pod): PodPlan['restartPolicy'] {
  const policy = pod.spec?.restartPolicy;
  return policy === 'Never' || policy === 'OnFailure' ? policy : 'Always';
}

/** Reads a pod's containers, the catalog behaviour of their images and the per-pod override. */
export function buildPodPlan(pod: k8s.V1Pod): PodPlan {
  const { override, error } = readOverride(pod);
  const containers = (pod.spec?.containers ?? []).map((container): ContainerPlan => {
    const image = container.image ?? '';
    const behaviour = resolveBehaviour(image, override);
    return {
      name: container.name,
      image,
      ports: tcpPorts(container),
      behaviour,
      readinessDelayMs: readinessDelay(container, behaviour),
    };
  });
  const plan: PodPlan = {
    containers,
    initContainers: (pod.spec?.initContainers ?? []).map((c) => ({ name: c.name, image: c.image ?? '' })),
    restartPolicy: restartPolicyOf(pod),
  };
  if (error !== undefined) plan.annotationError = error;
  return plan;
}
