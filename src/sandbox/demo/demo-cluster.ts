/** The demo's cluster: the one given by --kubeconfig, a healthy one in the demo dir, or a new one. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startCluster, stopCluster } from '../cluster/cluster.js';
import { etcdBinDir, kubernetesBinDir } from '../cluster/cluster-paths.js';
import { clusterStatus } from '../cluster/cluster-status.js';
import type { CleanupStack } from './cleanup-stack.js';

export interface DemoClusterOptions {
  dir: string;
  kubeconfig?: string;
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}

export async function ensureDemoCluster(options: DemoClusterOptions, cleanup: CleanupStack): Promise<string> {
  if (options.kubeconfig) return options.kubeconfig;
  const dir = join(options.dir, 'cluster');
  const status = await clusterStatus(dir);
  if (status.healthy && status.state) {
    options.say(`reusing the local cluster in ${dir}`);
    return status.state.kubeconfig;
  }
  if (status.started) await stopCluster(dir);
  const binDir = kubernetesBinDir(options.env, homedir());
  if (!existsSync(join(binDir, 'kube-apiserver'))) {
    throw new Error(`Kubernetes binaries are not built in ${binDir}: run bash scripts/setup-cluster.sh (or npm run cluster:build) first`);
  }
  options.say(`starting a local cluster in ${dir} ...`);
  const started = await startCluster({ dir, binDir, etcdBinDir: etcdBinDir(options.env, homedir()), repoRoot: options.repoRoot, log: (line) => options.say(`  ${line}`) });
  cleanup.push('the local cluster', async () => {
    options.say('stopping the local cluster');
    await stopCluster(dir);
  });
  for (const warning of started.warnings) options.say(`warning: ${warning}`);
  return started.kubeconfig;
}
