import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiRequest } from './api-request.js';
import { type ClusterPaths, clusterPaths } from './cluster-paths.js';
import {
  type ClusterState,
  COMPONENT_ORDER,
  type ComponentName,
  type ComponentRecord,
  readClusterState,
  writeClusterState,
} from './cluster-state.js';
import {
  type ClusterPorts,
  admissionConfiguration,
  auditPolicy,
  apiserverArgs,
  apiserverUrl,
  controllerManagerArgs,
  etcdArgs,
  etcdUrl,
} from './component-args.js';
import { installCrds } from './crd-install.js';
import { type ConversionWebhookClient, DEFAULT_EMISSARY_VERSION, type EmissaryVersion } from './mapping-crd.js';
import { renderKubeconfig } from './kubeconfig-yaml.js';
import { ensurePki, readClientPems } from './pki.js';
import type { PkiFiles } from './pki-plan.js';
import { choosePort, distinctFreePorts } from './ports.js';
import { isRunning, spawnDetached, stopProcess } from './processes.js';
import { resolveImageNode } from './image-node.js';
import { type TlsClient, get, waitReady } from './readiness.js';

export interface StartClusterOptions {
  /** State directory: certificates, etcd data, logs, kubeconfig, state.json. */
  dir: string;
  /** The directory holding kube-apiserver and kube-controller-manager. */
  binDir: string;
  /** The directory holding etcd. */
  etcdBinDir: string;
  /** Where crds/, vendor/ and dist/sandbox/kubelet/main.js are looked up. */
  repoRoot: string;
  /** A fixed apiserver port (an error when in use); a free one otherwise. */
  apiserverPort?: number;
  /** Start the simulated kubelet (default true; skipped with a warning when not built). */
  kubelet?: boolean;
  /**
   * Emissary's CRDs: 3 (default) = 3.10, v2 storage, v3alpha1 through kanary-emissary-conversion
   * (dist/sandbox/emissary-conversion/main.js must be built); 4 = 4.1, v3alpha1 only.
   */
  emissary?: EmissaryVersion;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface StartedCluster {
  state: ClusterState;
  kubeconfig: string;
  crds: string[];
  warnings: string[];
}

export class ClusterAlreadyRunningError extends Error {
  constructor(dir: string) {
    super(`a cluster is already running in ${dir}; stop it first (kanary cluster stop --dir ${dir})`);
    this.name = 'ClusterAlreadyRunningError';
  }
}

export const KUBELET_ENTRY = join('dist', 'sandbox', 'kubelet', 'main.js');
/** kanary-emissary-conversion, following Emissary 3.10's documented v2⇄v3alpha1 field mapping. */
export const CONVERSION_ENTRY = join('dist', 'sandbox', 'emissary-conversion', 'main.js');
const NODE_NAME = 'kanary-sim-node';

interface Context {
  options: StartClusterOptions;
  paths: ClusterPaths;
  state: ClusterState;
  tls: TlsClient;
  pki: PkiFiles;
  /** Emissary 3: where kanary-emissary-conversion listens. */
  conversionPort?: number;
  log: (line: string) => void;
}

function missingBinaries(options: StartClusterOptions): string[] {
  const wanted = [join(options.etcdBinDir, 'etcd'), join(options.binDir, 'kube-apiserver'), join(options.binDir, 'kube-controller-manager')];
  return wanted.filter((file) => !existsSync(file));
}

async function assertNotRunning(paths: ClusterPaths): Promise<void> {
  const previous = await readClusterState(paths.stateFile);
  if (!previous) return;
  const records = Object.values(previous.components);
  if (records.some((r) => isRunning(r))) throw new ClusterAlreadyRunningError(paths.dir);
}

async function choosePorts(requested?: number): Promise<ClusterPorts> {
  const apiserver = await choosePort(requested);
  const [etcdClient = 0, etcdPeer = 0] = await distinctFreePorts(2, [apiserver]);
  return { etcdClient, etcdPeer, apiserver };
}

async function prepare(options: StartClusterOptions): Promise<Context> {
  const paths = clusterPaths(options.dir);
  await assertNotRunning(paths);
  const missing = missingBinaries(options);
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} not found: run \`kanary cluster build\` (npm run cluster:build) first`);
  }
  const ports = await choosePorts(options.apiserverPort);
  const emissary = options.emissary ?? DEFAULT_EMISSARY_VERSION;
  const [conversionPort] = emissary === 3 ? await distinctFreePorts(1, [ports.apiserver, ports.etcdClient, ports.etcdPeer]) : [];
  // A fresh etcd each start: predictable, and etcd data is tied to the previous ports.
  await rm(paths.etcdData, { recursive: true, force: true });
  await Promise.all([paths.logs, paths.apiserverCertDir].map((d) => mkdir(d, { recursive: true })));
  const files = await ensurePki(paths.pki);
  const server = apiserverUrl(ports);
  const admin = await readClientPems(files, 'admin');
  const manager = await readClientPems(files, 'controller-manager');
  await writeFile(paths.kubeconfig, renderKubeconfig({ server, name: 'kanary-local', ...admin }), { mode: 0o600 });
  await writeFile(paths.admissionConfig, JSON.stringify(admissionConfiguration(), null, 2));
  await writeFile(paths.auditPolicy, JSON.stringify(auditPolicy(), null, 2));
  await writeFile(paths.controllerManagerKubeconfig, renderKubeconfig({ server, name: 'kanary-local', ...manager }), { mode: 0o600 });
  const state: ClusterState = {
    dir: options.dir,
    kubeconfig: paths.kubeconfig,
    server,
    ports,
    startedAt: new Date().toISOString(),
    components: {},
    emissary: conversionPort === undefined ? { version: emissary } : { version: emissary, conversionUrl: conversionUrl(conversionPort) },
  };
  await writeClusterState(paths.stateFile, state);
  const tls = { ca: admin.caPem, cert: admin.certPem, key: admin.keyPem };
  const base = { options, paths, state, tls, pki: files, log: options.log ?? (() => undefined) };
  return conversionPort === undefined ? base : { ...base, conversionPort };
}

const ENTRIES: Partial<Record<ComponentName, string>> = { kubelet: KUBELET_ENTRY, 'emissary-conversion': CONVERSION_ENTRY };

function conversionUrl(port: number): string {
  return `https://127.0.0.1:${port}/webhooks/crd-convert`;
}

async function launch(ctx: Context, name: ComponentName, command: string, args: string[]): Promise<ComponentRecord> {
  const record = await spawnDetached({ command, args, log: join(ctx.paths.logs, `${name}.log`), binary: ENTRIES[name] ?? name });
  ctx.state.components[name] = record;
  await writeClusterState(ctx.paths.stateFile, ctx.state);
  return record;
}

async function startEtcd(ctx: Context): Promise<void> {
  const ports = ctx.state.ports;
  const record = await launch(ctx, 'etcd', join(ctx.options.etcdBinDir, 'etcd'), etcdArgs({ paths: ctx.paths, ports }));
  const check = async (): Promise<boolean> => (await get(`${etcdUrl(ports)}/health`)).body.includes('true');
  await waitReady({ name: 'etcd', process: record, check, timeoutMs: 30_000 });
}

async function startApiserver(ctx: Context): Promise<void> {
  const args = apiserverArgs({ paths: ctx.paths, ports: ctx.state.ports });
  const record = await launch(ctx, 'kube-apiserver', join(ctx.options.binDir, 'kube-apiserver'), args);
  const check = async (): Promise<boolean> => (await get(`${ctx.state.server}/readyz`, ctx.tls)).status === 200;
  await waitReady({ name: 'kube-apiserver', process: record, check, timeoutMs: 120_000 });
}

/**
 * Emissary 3: starts kanary-emissary-conversion (the CRD conversion webhook on 127.0.0.1, serving
 * certificate from the cluster CA) and resolves with how the CRDs reach it; Emissary 4: undefined.
 */
async function startConversion(ctx: Context): Promise<ConversionWebhookClient | undefined> {
  const port = ctx.conversionPort;
  if (port === undefined) return undefined;
  const entry = join(ctx.options.repoRoot, CONVERSION_ENTRY);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run npm run build (Emissary 3 CRDs need the conversion webhook)`);
  const args = [entry, '--cert', ctx.pki.conversionCert, '--key', ctx.pki.conversionKey, '--port', String(port), '--host', '127.0.0.1', '--outage-file', ctx.paths.conversionOutage];
  const record = await launch(ctx, 'emissary-conversion', process.execPath, args);
  const check = async (): Promise<boolean> => (await get(`https://127.0.0.1:${port}/healthz`, ctx.tls)).status === 200;
  await waitReady({ name: 'kanary-emissary-conversion', process: record, check, timeoutMs: 30_000 });
  return { url: conversionUrl(port), caPem: ctx.tls.ca };
}

async function apiOk(ctx: Context, path: string): Promise<boolean> {
  const answer = await apiRequest({ server: ctx.state.server, tls: ctx.tls, method: 'GET', path });
  return answer.status === 200;
}

async function startControllerManager(ctx: Context): Promise<ComponentRecord> {
  const args = controllerManagerArgs({ paths: ctx.paths, ports: ctx.state.ports });
  return launch(ctx, 'kube-controller-manager', join(ctx.options.binDir, 'kube-controller-manager'), args);
}

/** The serviceaccount controller creating `default/default` shows the controllers are running. */
async function waitControllers(ctx: Context, record: ComponentRecord): Promise<void> {
  const check = (): Promise<boolean> => apiOk(ctx, '/api/v1/namespaces/default/serviceaccounts/default');
  await waitReady({ name: 'kube-controller-manager', process: record, check, timeoutMs: 90_000 });
}

async function nodeReady(ctx: Context): Promise<boolean> {
  const answer = await apiRequest({ server: ctx.state.server, tls: ctx.tls, method: 'GET', path: `/api/v1/nodes/${NODE_NAME}` });
  const status = answer.json.status as { conditions?: { type: string; status: string }[] } | undefined;
  return (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Launches the simulated kubelet; a warning instead when it is not built. */
async function launchKubelet(ctx: Context): Promise<{ record: ComponentRecord | string; warnings: string[] }> {
  const entry = join(ctx.options.repoRoot, KUBELET_ENTRY);
  if (!existsSync(entry)) return { record: `simulated kubelet not started: ${entry} does not exist (run npm run build); pods will stay Pending`, warnings: [] };
  // Controller-image pods run under the image's Node.js when this machine's is older.
  const imageNode = await resolveImageNode(ctx.options.repoRoot);
  const args = [entry, '--kubeconfig', ctx.paths.kubeconfig, '--node-name', NODE_NAME, ...(imageNode.binary ? ['--image-node', imageNode.binary] : [])];
  return { record: await launch(ctx, 'kubelet', process.execPath, args), warnings: imageNode.warning ? [imageNode.warning] : [] };
}

async function bringUp(ctx: Context): Promise<StartedCluster> {
  const { log } = ctx;
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  await startEtcd(ctx);
  log(`etcd ready on ${etcdUrl(ctx.state.ports)} (${elapsed()})`);
  await startApiserver(ctx);
  log(`kube-apiserver ready on ${ctx.state.server} (${elapsed()})`);
  // The controllers and the kubelet start while the CRDs are being installed.
  const manager = await startControllerManager(ctx);
  const launched = ctx.options.kubelet === false ? { record: undefined, warnings: [] } : await launchKubelet(ctx);
  const kubelet = launched.record;
  const webhook = await startConversion(ctx);
  if (webhook) log(`kanary-emissary-conversion ready on ${webhook.url} (${elapsed()})`);
  const emissary = { version: ctx.state.emissary?.version ?? DEFAULT_EMISSARY_VERSION, ...(webhook ? { webhook } : {}) };
  const crds = await installCrds({ server: ctx.state.server, tls: ctx.tls, repoRoot: ctx.options.repoRoot, emissary });
  log(`CRDs established: ${crds.join(', ')} (${elapsed()})`);
  await waitControllers(ctx, manager);
  log(`kube-controller-manager running (${elapsed()})`);
  const warnings = [...(typeof kubelet === 'string' ? [kubelet] : []), ...launched.warnings];
  if (typeof kubelet === 'object') {
    await waitReady({ name: 'simulated kubelet', process: kubelet, check: () => nodeReady(ctx), timeoutMs: 60_000 });
    log(`simulated kubelet registered node ${NODE_NAME} (${elapsed()})`);
  }
  return { state: ctx.state, kubeconfig: ctx.paths.kubeconfig, crds, warnings };
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager and the simulated kubelet on loopback,
 * detached, and resolves once all are ready. On any failure everything started is stopped again.
 */
export async function startCluster(options: StartClusterOptions): Promise<StartedCluster> {
  const ctx = await prepare(options);
  try {
    return await bringUp(ctx);
  } catch (error) {
    await stopRecorded(ctx.state).catch(() => undefined);
    await rm(ctx.paths.stateFile, { force: true });
    throw error;
  }
}

async function stopRecorded(state: ClusterState): Promise<void> {
  for (const name of [...COMPONENT_ORDER].reverse()) {
    const record = state.components[name];
    if (record) await stopProcess(record);
  }
}

/** Stops every recorded process (kubelet first, etcd last); false when nothing was recorded. */
export async function stopCluster(dir: string): Promise<boolean> {
  const paths = clusterPaths(dir);
  const state = await readClusterState(paths.stateFile);
  if (!state) return false;
  await stopRecorded(state);
  await rm(paths.stateFile, { force: true });
  return true;
}
