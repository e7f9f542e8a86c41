import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ClusterPorts } from './component-args.js';
import type { EmissaryVersion } from './mapping-crd.js';

/** The processes of a local cluster; `binary` is matched against /proc/PID/cmdline before signals. */
export type ComponentName = 'etcd' | 'kube-apiserver' | 'emissary-conversion' | 'kube-controller-manager' | 'kubelet';

export const COMPONENT_ORDER: readonly ComponentName[] = [
  'etcd',
  'kube-apiserver',
  'emissary-conversion',
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
  /** Which Emissary CRD set is installed (absent in states written before the choice existed). */
  emissary?: EmissaryState;
}

/**
 * Emissary 3: its 3.10 CRDs (v2 storage, v3alpha1 served through kanary-emissary-conversion at
 * `conversionUrl`, component `emissary-conversion`); Emissary 4: its 4.1 CRDs, v3alpha1 only.
 */
export interface EmissaryState {
  version: EmissaryVersion;
  conversionUrl?: string;
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
