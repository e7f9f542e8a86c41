/**
 * Helpers for the controller's end-to-end tests: apply the Ambassador example into a test
 * namespace (with short delays so tests stay quick), read back Rollouts, ReplicaSets, Services and
 * Mappings, and drive the real CLI.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import * as yaml from 'js-yaml';
import { kubectl, testKubeconfigPath, waitFor } from '../harness/cluster.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function loadExample(dir: string): Obj[] {
  const docs: Obj[] = [];
  for (const file of ['services.yaml', 'mapping.yaml', 'rollout.yaml']) {
    for (const doc of yaml.loadAll(readFileSync(join(root, 'examples', dir, file), 'utf8'))) {
      if (doc) docs.push(doc as Obj);
    }
  }
  return docs;
}

export interface ExampleTweaks {
  replicas?: number;
  image?: string;
  steps?: Obj[];
  scaleDownDelaySeconds?: number;
  abortScaleDownDelaySeconds?: number;
  progressDeadlineSeconds?: number;
  progressDeadlineAbort?: boolean;
  trafficRouting?: boolean;
}

/** The example's documents with a tweaked Rollout (short delays by default). */
export function tweakExample(docs: Obj[], tweaks: ExampleTweaks): Obj[] {
  return docs.map((doc) => {
    if (doc.kind !== 'Rollout') return doc;
    const ro = structuredClone(doc);
    const canary = ro.spec.strategy.canary;
    if (tweaks.replicas !== undefined) ro.spec.replicas = tweaks.replicas;
    if (tweaks.image) ro.spec.template.spec.containers[0].image = tweaks.image;
    if (tweaks.steps) canary.steps = tweaks.steps;
    canary.scaleDownDelaySeconds = tweaks.scaleDownDelaySeconds ?? 3;
    canary.abortScaleDownDelaySeconds = tweaks.abortScaleDownDelaySeconds ?? 3;
    if (tweaks.progressDeadlineSeconds !== undefined) ro.spec.progressDeadlineSeconds = tweaks.progressDeadlineSeconds;
    if (tweaks.progressDeadlineAbort !== undefined) ro.spec.progressDeadlineAbort = tweaks.progressDeadlineAbort;
    if (tweaks.trafficRouting === false) {
      delete canary.trafficRouting;
      delete canary.stableService;
      delete canary.canaryService;
    }
    return ro;
  });
}

export async function applyDocs(namespace: string, docs: Obj[]): Promise<void> {
  const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs });
  await kubectl(['apply', '-n', namespace, '-f', '-'], { input });
}

export class ClusterView {
  private readonly apps: k8s.AppsV1Api;
  private readonly core: k8s.CoreV1Api;
  private readonly custom: k8s.CustomObjectsApi;

  constructor(kc: k8s.KubeConfig, readonly namespace: string) {
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
  }

  async rollout(name = 'demo'): Promise<Obj> {
    return (await this.custom.getNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace: this.namespace, name })) as Obj;
  }

  async replicaSets(): Promise<k8s.V1ReplicaSet[]> {
    return (await this.apps.listNamespacedReplicaSet({ namespace: this.namespace })).items;
  }

  /** The ReplicaSet `<rollout>-<hash>`, or undefined. */
  async replicaSetOf(hash: string, rollout = 'demo'): Promise<k8s.V1ReplicaSet | undefined> {
    return (await this.replicaSets()).find((rs) => rs.metadata?.name === `${rollout}-${hash}`);
  }

  /** Waits until `pick` returns something for the Rollout's status (60 s by default), and returns it. */
  async waitForStatus<T>(pick: (status: Obj) => T | undefined, description: string, timeoutMs = 60_000, name = 'demo'): Promise<T> {
    return waitFor(async () => pick((await this.rollout(name)).status ?? {}), { timeoutMs, description });
  }

  /** The pods of a pod-template hash that are not being deleted, by name. */
  async pods(hash: string): Promise<k8s.V1Pod[]> {
    const pods = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `rollouts-pod-template-hash=${hash}` });
    return pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  async serviceHash(name: string): Promise<string | undefined> {
    const svc = await this.core.readNamespacedService({ namespace: this.namespace, name });
    return svc.spec?.selector?.['rollouts-pod-template-hash'];
  }

  async mapping(name: string, version = 'v2'): Promise<Obj | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({ group: 'getambassador.io', version, plural: 'mappings', namespace: this.namespace, name })) as Obj;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async mappings(): Promise<Obj[]> {
    const list = (await this.custom.listNamespacedCustomObject({ group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: this.namespace })) as { items: Obj[] };
    return list.items;
  }

  /** The canary weight the router applies: the `demo-canary` Mapping's weight, 0 when absent. */
  async canaryWeight(base = 'demo'): Promise<number> {
    const mapping = await this.mapping(`${base}-canary`);
    return mapping ? Number(mapping.spec?.weight ?? 0) : 0;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`node bin/kanary.js ...`) against the test cluster. */
export function kanary(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'kanary.js'), ...args, '--kubeconfig', testKubeconfigPath()], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function setImage(namespace: string, image: string, name = 'demo'): Promise<void> {
  const patch = JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);
  await kubectl(['patch', 'rollouts.kanary.dev', name, '-n', namespace, '--type', 'json', '-p', patch]);
}
