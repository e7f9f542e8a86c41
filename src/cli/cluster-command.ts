/** `kanary cluster build|start|stop|status`: the local Kubernetes control plane for tests and the demo. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterAlreadyRunningError, startCluster, stopCluster } from '../sandbox/cluster/cluster.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  KUBERNETES_VERSIONS,
  UnknownKubernetesVersionError,
  defaultStateDir,
  etcdBinDir,
  kubernetesBinDir,
  resolveKubernetesVersion,
} from '../sandbox/cluster/cluster-paths.js';
import { type ClusterStatus, clusterStatus } from '../sandbox/cluster/cluster-status.js';
import { DEFAULT_EMISSARY_VERSION, EMISSARY_VERSIONS, type EmissaryVersion } from '../sandbox/cluster/mapping-crd.js';
import { PortInUseError, parsePort } from '../sandbox/cluster/ports.js';
import { repoRoot } from '../sandbox/cluster/repo-root.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';

const USAGE = `Usage: kanary cluster build|start|stop|status [--dir DIR] [--port N] [--kubernetes-version V] [--emissary 3|4]

Runs a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, built from
their Go modules) and the simulated kubelet on 127.0.0.1, with Kanary's CRDs and Emissary's
getambassador.io CRDs installed (see --emissary).
  build    build and cache etcd, kube-apiserver, kube-controller-manager and kubectl from their Go
           modules (once per version, 10-20 min on 2 cores; needs Go >= 1.26 and the Go module
           proxy; no-op afterwards)
  start    build if needed, start everything detached and wait until ready; the last line printed
           is \`export KUBECONFIG=...\` (each start begins with an empty etcd)
  stop     stop every process of the cluster
  status   show each process; exit code 0 only when all run and the apiserver is ready
Flags:
  --dir DIR   state directory (default $KANARY_HOME/cluster or ~/.kanary/cluster)
  --port N    kube-apiserver port for start (default: a free port)
  --kubernetes-version V
              ${Object.keys(KUBERNETES_VERSIONS).join(' or ')} (default $KANARY_KUBERNETES_VERSION, else ${DEFAULT_KUBERNETES_VERSION})
  --emissary 3|4
              Emissary's getambassador.io CRDs for start (default ${DEFAULT_EMISSARY_VERSION}): 3 = Emissary 3.10's (v2
              storage, v3alpha1 converted by kanary-emissary-conversion, which follows Emissary 3.10's
              documented v2/v3alpha1 field mapping; not Emissary's own apiext); 4 = Emissary 4.1's
              (v3alpha1 only, no webhook)

Example:
  eval "$(kanary cluster start | tail -n 1)" && kubectl get nodes
  kanary cluster stop
`;

interface Flags {
  action: string;
  dir: string;
  /** The full Kubernetes version, e.g. v1.37.2. */
  version: string;
  port?: number;
  emissary: EmissaryVersion;
}

function parseEmissary(text: string | undefined): EmissaryVersion {
  if (text === undefined) return DEFAULT_EMISSARY_VERSION;
  const version = EMISSARY_VERSIONS.find((v) => String(v) === text);
  if (version === undefined) throw new UserError(`cluster: --emissary must be ${EMISSARY_VERSIONS.join(' or ')}, got "${text}"`);
  return version;
}

function parseVersion(requested: string | undefined, env: NodeJS.ProcessEnv): string {
  try {
    return resolveKubernetesVersion(requested, env);
  } catch (error) {
    if (error instanceof UnknownKubernetesVersionError) throw new UserError(`cluster: ${error.message}`);
    throw error;
  }
}

function parseFlags(argv: string[], io: CliIo): Flags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, port: { type: 'string' }, 'kubernetes-version': { type: 'string' }, emissary: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError(`cluster: ${(error as Error).message}`);
  }
  const [action, ...extra] = parsed.positionals;
  if (!action || extra.length > 0) throw new UserError('cluster: expected one of build, start, stop, status');
  const dir = resolve(parsed.values.dir ?? defaultStateDir(io.env, homedir()));
  const version = parseVersion(parsed.values['kubernetes-version'], io.env);
  const emissary = parseEmissary(parsed.values.emissary);
  if (parsed.values.port === undefined) return { action, dir, version, emissary };
  const port = parsePort(parsed.values.port);
  if (port === undefined) throw new UserError(`cluster: --port must be an integer 1..65535, got "${parsed.values.port}"`);
  return { action, dir, version, port, emissary };
}

/** Runs scripts/setup-cluster.sh, streaming its output; resolves to its exit code. */
function runBuild(version: string, io: CliIo): Promise<number> {
  const script = join(repoRoot(), 'scripts', 'setup-cluster.sh');
  return new Promise((resolvePromise) => {
    const child = spawn('bash', [script, '--kubernetes-version', version], { env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => io.stdout(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => io.stderr(chunk.toString()));
    child.on('error', (error) => {
      io.stderr(`kanary: cannot run ${script}: ${error.message}\n`);
      resolvePromise(1);
    });
    child.on('close', (code) => resolvePromise(code ?? 1));
  });
}

function binariesBuilt(...binDirs: string[]): boolean {
  return binDirs.every((dir) => existsSync(join(dir, '.complete')));
}

async function start(flags: Flags, io: CliIo): Promise<number> {
  const binDir = kubernetesBinDir(io.env, homedir(), flags.version);
  const etcdDir = etcdBinDir(io.env, homedir());
  if (!binariesBuilt(binDir, etcdDir)) {
    const code = await runBuild(flags.version, io);
    if (code !== 0) return code;
  }
  try {
    const started = await startCluster({
      dir: flags.dir,
      binDir,
      etcdBinDir: etcdDir,
      repoRoot: repoRoot(),
      emissary: flags.emissary,
      ...(flags.port !== undefined ? { apiserverPort: flags.port } : {}),
      log: (line) => io.stdout(`${line}\n`),
    });
    for (const warning of started.warnings) io.stderr(`kanary: warning: ${warning}\n`);
    io.stdout(`cluster running in ${flags.dir}; stop it with: kanary cluster stop --dir ${flags.dir}\n`);
    io.stdout(`export KUBECONFIG=${started.kubeconfig}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof ClusterAlreadyRunningError) {
      throw new UserError(`cluster: ${error.message}`);
    }
    io.stderr(`kanary: cluster start failed: ${(error as Error).message}\n`);
    return 1;
  }
}

async function stop(flags: Flags, io: CliIo): Promise<number> {
  const stopped = await stopCluster(flags.dir);
  io.stdout(stopped ? `stopped the cluster in ${flags.dir}\n` : `no cluster recorded in ${flags.dir}; nothing to stop\n`);
  return 0;
}

function renderEmissary(status: ClusterStatus): string {
  const emissary = status.state?.emissary;
  if (!emissary) return '? (started before --emissary existed)';
  if (emissary.version === 4) return "4 (Emissary 4.1 CRDs, v3alpha1 only)";
  return `3 (Emissary 3.10 CRDs, v2 storage; v3alpha1 through kanary-emissary-conversion at ${emissary.conversionUrl ?? '?'})`;
}

/** Human-readable status lines. */
export function renderStatus(status: ClusterStatus): string {
  if (!status.started) return `no cluster running in ${status.dir}\n`;
  const width = Math.max(...status.components.map((c) => c.name.length));
  const lines = status.components.map((c) =>
    c.running
      ? `  ${c.name.padEnd(width)}  running  pid ${c.pid}`
      : `  ${c.name.padEnd(width)}  CRASHED  pid ${c.pid} is gone; see ${c.log}`,
  );
  const summary = status.healthy ? 'healthy' : status.apiserverReady ? 'degraded' : 'apiserver not ready';
  return [
    `cluster in ${status.dir}: ${summary}`,
    `  server      ${status.state?.server ?? '?'}`,
    `  kubeconfig  ${status.state?.kubeconfig ?? '?'}`,
    `  emissary    ${renderEmissary(status)}`,
    ...lines,
    '',
  ].join('\n');
}

async function status(flags: Flags, io: CliIo): Promise<number> {
  const result = await clusterStatus(flags.dir);
  io.stdout(renderStatus(result));
  return result.healthy ? 0 : 1;
}

const ACTIONS: Record<string, (flags: Flags, io: CliIo) => Promise<number>> = {
  build: (flags, io) => runBuild(flags.version, io),
  start,
  stop,
  status,
};

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'build, start, stop or inspect the local Kubernetes cluster (Kubernetes 1.37 or 1.35 on loopback)',
  usage: USAGE,
  async run(argv, io) {
    const flags = parseFlags(argv, io);
    const action = ACTIONS[flags.action];
    if (!action) throw new UserError(`cluster: unknown action "${flags.action}"; expected build, start, stop or status`);
    return action(flags, io);
  },
};
