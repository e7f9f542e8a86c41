/**
 * Objects for the CLI's cluster tests, created without the controller: a Rollout, ReplicaSets built
 * the way the controller builds them (kube-controller-manager then makes real pods, the simulated
 * kubelet runs them), AnalysisRuns, canary Mappings, and status written through /status.
 */
import * as k8s from '@kubernetes/client-node';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { computePodTemplateHash } from '../../src/core/pod-template-hash.js';
import { buildReplicaSet } from '../../src/kube/replica-sets.js';
import { mergePatchOptions } from '../../src/kube/patch-options.js';
import { buildRolloutOwnerReference } from '../../src/kube/owner-reference.js';
import type { Rollout } from '../../src/api/rollout.js';
import { testKubeconfigPath } from '../harness/cluster.js';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RO = { group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts' };
const AR = { group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns' };

export function template(image: string, extraContainers: Obj[] = []): Obj {
  return { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }, ...extraContainers] } };
}

export const STEPS = [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { pause: {} }];

export function rolloutBody(name: string, tpl: Obj, steps: Obj[] = STEPS): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'demo' } }, template: tpl,
      strategy: { canary: { canaryService: `${name}-canary`, stableService: `${name}-stable`, steps, trafficRouting: { ambassador: { mappings: [name] } } } },
    },
  };
}

export class CliCluster {
  readonly custom: k8s.CustomObjectsApi;
  readonly apps: k8s.AppsV1Api;

  constructor(readonly kc: k8s.KubeConfig, readonly namespace: string) {
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
  }

  async createRollout(body: Obj): Promise<Obj> {
    return (await this.custom.createNamespacedCustomObject({ ...RO, namespace: this.namespace, body })) as Obj;
  }

  async rollout(name: string): Promise<Obj> {
    return (await this.custom.getNamespacedCustomObject({ ...RO, namespace: this.namespace, name })) as Obj;
  }

  async writeStatus(name: string, status: Obj): Promise<Obj> {
    return (await this.custom.patchNamespacedCustomObjectStatus({ ...RO, namespace: this.namespace, name, body: { status } }, mergePatchOptions())) as Obj;
  }

  /** The ReplicaSet the controller would create for `tpl` (which need not be the current template). */
  async createReplicaSet(rollout: Obj, options: { template: Obj; revision: number; replicas: number }): Promise<{ hash: string; rs: k8s.V1ReplicaSet }> {
    const hash = computePodTemplateHash(options.template);
    const source = { ...rollout, metadata: { ...rollout.metadata, namespace: this.namespace }, spec: { ...rollout.spec, template: options.template } } as Rollout;
    const body = buildReplicaSet({ rollout: source, podTemplateHash: hash, revision: options.revision, replicas: options.replicas });
    const rs = await this.apps.createNamespacedReplicaSet({ namespace: this.namespace, body });
    return { hash, rs };
  }

  async createAnalysisRun(rollout: Obj, options: { name: string; hash: string; status: Obj }): Promise<void> {
    const body = {
      apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun',
      metadata: {
        name: options.name,
        labels: { 'kanary.dev/rollout': rollout.metadata.name, 'kanary.dev/analysis-kind': 'step', 'rollouts-pod-template-hash': options.hash },
        ownerReferences: [buildRolloutOwnerReference(rollout as Rollout)],
      },
      spec: { metrics: [{ name: 'success-rate', interval: '30s', successCondition: 'result[0] >= 0.95', provider: { prometheus: { address: 'http://127.0.0.1:9', query: 'up' } } }] },
    };
    await this.custom.createNamespacedCustomObject({ ...AR, namespace: this.namespace, body });
    await this.custom.patchNamespacedCustomObjectStatus({ ...AR, namespace: this.namespace, name: options.name, body: { status: options.status } }, mergePatchOptions());
  }

  /** Creates or updates the `<base>-canary` Mapping with `weight`. */
  async setCanaryWeight(base: string, weight: number): Promise<void> {
    const ref = { group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: this.namespace, name: `${base}-canary` };
    const body = {
      apiVersion: 'getambassador.io/v2', kind: 'Mapping',
      metadata: { name: ref.name, labels: { 'kanary.dev/canary-mapping': 'true' } },
      spec: { prefix: `/${base}/`, service: `${base}-canary:80`, weight },
    };
    try {
      await this.custom.patchNamespacedCustomObject({ ...ref, body: { spec: { weight } } }, mergePatchOptions());
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      await this.custom.createNamespacedCustomObject({ ...ref, body });
    }
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against the test cluster (not a TTY). */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { KUBECONFIG: testKubeconfigPath(), ...env }, isTty: false };
  const code = await runCli(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
