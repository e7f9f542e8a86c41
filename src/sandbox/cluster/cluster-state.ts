import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ClusterPorts } from './component-args.js';

/** The processes of a local cluster; `binary` is matched against /proc/PID/cmdline before signals. */
export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kubelet';

export const COMPONENT_ORDER: readonly ComponentName[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kubelet',
];

export interface ComponentRecord {
  pid: number;
  /** A string the process's command line contains (guards against a reused pid). */
  binary: string;
  log: string;
}

/** What state.json records so `status` and `stop` work from another process. */
export interface ClusterState {
  dir: string;
  kubeconfig: string;
  server: string;
  ports: ClusterPorts;
  startedAt: string;
  components: Partial<Record<ComponentName, ComponentRecord>>;
}

export async function writeClusterState(path: string, state: ClusterState): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}

/** The recorded state, or undefined when no cluster was started in this directory. */
export async function readClusterState(path: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as ClusterState;
  } catch {
    throw new Error(`${path} is not valid JSON; remove it (after stopping any process it lists)`);
  }
}
