import { readFileSync } from 'node:fs';
import { readClusterState, type ClusterState, COMPONENT_ORDER, type ComponentName } from './cluster-state.js';
import { clusterPaths } from './cluster-paths.js';
import { isRunning } from './processes.js';
import { get } from './readiness.js';
import { pkiFiles } from './pki-plan.js';

export interface ComponentStatus {
  name: ComponentName;
  pid: number;
  running: boolean;
  log: string;
}

export interface ClusterStatus {
  dir: string;
  /** No state file: no cluster was started here (or it was stopped). */
  started: boolean;
  state?: ClusterState;
  components: ComponentStatus[];
  /** Whether kube-apiserver answered /readyz with 200. */
  apiserverReady: boolean;
  /** Every recorded component runs and the apiserver is ready. */
  healthy: boolean;
}

async function apiserverReady(state: ClusterState): Promise<boolean> {
  const pki = pkiFiles(clusterPaths(state.dir).pki);
  try {
    const tls = {
      ca: readFileSync(pki.caCert, 'utf8'),
      cert: readFileSync(pki.adminCert, 'utf8'),
      key: readFileSync(pki.adminKey, 'utf8'),
    };
    const probe = await get(`${state.server}/readyz`, tls, 3_000);
    return probe.status === 200;
  } catch {
    return false;
  }
}

/** Which recorded processes still run; a crashed etcd or apiserver shows as running: false. */
export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const state = await readClusterState(clusterPaths(dir).stateFile);
  if (!state) return { dir, started: false, components: [], apiserverReady: false, healthy: false };
  const components = COMPONENT_ORDER.flatMap((name) => {
    const record = state.components[name];
    return record ? [{ name, pid: record.pid, running: isRunning(record), log: record.log }] : [];
  });
  const apiserver = components.find((c) => c.name === 'kube-apiserver');
  const ready = apiserver?.running === true && (await apiserverReady(state));
  const healthy = ready && components.every((c) => c.running);
  return { dir, started: true, state, components, apiserverReady: ready, healthy };
}
