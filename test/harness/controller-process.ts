/**
 * Runs the REAL controller (`node bin/kanary.js controller`, built code) as a child process against
 * the test cluster, scoped to one namespace, with its telemetry on a free loopback port. Tests
 * stop it (SIGTERM), kill it (SIGKILL, to prove crash safety) and read its /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testKubeconfigPath, waitFor } from './cluster.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ControllerOptions {
  namespace: string;
  /** Extra flags, e.g. ['--mapping-propagation-delay', '1s']. */
  flags?: string[];
  /** Lease settings: leader election is off unless identity is given. */
  identity?: string;
  /** Credentials (default: the test cluster's admin kubeconfig). */
  kubeconfig?: string;
  /** --analysis-egress-allow rules (default: all of loopback, `127.0.0.0/8,::1`). */
  egressAllow?: string;
  /** Lease namespace (default: `namespace`, which must then be a single namespace). */
  leaseNamespace?: string;
  /** Node flags for this controller, e.g. ['--max-old-space-size=80']. */
  nodeFlags?: string[];
}

export interface ControllerProcess {
  readonly child: ChildProcess;
  readonly logs: string[];
  metricsUrl(): Promise<string>;
  /** Where /healthz and /readyz answer (their own port). */
  probesUrl(): Promise<string>;
  /** SIGTERM and wait for exit (graceful). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit (a crash). */
  kill(): Promise<void>;
  exited(): boolean;
  /** With KANARY_TEST_SHARDS: the shard processes, shard 0 first. */
  readonly parts?: readonly ControllerProcess[];
}

function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** An address the 'controller started' log line names (`metrics` or `probes`). */
function startedAddress(logs: string[], exited: () => boolean, field: 'metrics' | 'probes'): Promise<string> {
  return waitFor(() => {
    for (const line of logs) {
      if (!line.includes('controller started')) continue;
      const url = (JSON.parse(line) as Record<string, unknown>)[field];
      if (typeof url === 'string') return url;
    }
    if (exited()) throw new Error(`controller exited: ${logs.slice(-5).join('\n')}`);
    return undefined;
  }, { timeoutMs: 60_000, description: `controller ${field} address` });
}

function startOneController(options: ControllerOptions): ControllerProcess {
  const election = options.identity
    ? ['--leader-elect=true', '--identity', options.identity, '--lease-namespace', options.leaseNamespace ?? options.namespace]
    : ['--leader-elect=false'];
  const args = [
    // Node flags for the controller alone (e.g. a heap cap in the scale bench).
    ...(process.env.KANARY_CONTROLLER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ...(options.nodeFlags ?? []),
    join(root, 'bin', 'kanary.js'), 'controller',
    '--kubeconfig', options.kubeconfig ?? testKubeconfigPath(),
    '--namespace', options.namespace,
    '--metrics-addr', '127.0.0.1:0',
    '--health-probe-addr', '127.0.0.1:0',
    '--log-level', 'debug',
    // The test workloads, Prometheus and metric servers all live on loopback (docs/security.md).
    '--analysis-egress-allow', options.egressAllow ?? '127.0.0.0/8,::1',
    ...election,
    ...(options.flags ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let buffer = '';
  const collect = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    logs.push(...lines.filter((l) => l.length > 0));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    logs,
    exited,
    metricsUrl: () => startedAddress(logs, exited, 'metrics'),
    probesUrl: () => startedAddress(logs, exited, 'probes'),
    async stop() {
      if (exited()) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await waitExit(child);
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (exited()) return;
      child.kill('SIGKILL');
      await waitExit(child);
    },
  };
}

/** Sum of a counter over all label sets, from the controller's /metrics text. */
export async function readCounterTotal(metricsUrl: string, name: string, filter: (labels: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.eE+-]+)$`).exec(line);
    if (match && filter(match[1] ?? '')) total += Number(match[2]);
  }
  return total;
}

/** KANARY_TEST_SHARDS: how many shard processes a test's controller is (1 when unset). */
function testShards(options: ControllerOptions): number {
  const shards = Number(process.env.KANARY_TEST_SHARDS ?? '1');
  // Tests of leader election and of sharding itself choose their own processes.
  if (options.identity !== undefined || (options.flags ?? []).includes('--shards')) return 1;
  return Number.isInteger(shards) && shards > 1 ? shards : 1;
}

/**
 * Runs the controller for a test: one process, or with KANARY_TEST_SHARDS=M (the two-shard leg of
 * `npm test`) M processes, `--shards M --shard-index 0..M-1`, behind the same interface. Their logs
 * are read as one; the metrics and probe addresses are shard 0's once every shard has started; stop
 * and kill act on all of them, so a kill is the whole controller crashing.
 */
export function startController(options: ControllerOptions): ControllerProcess {
  const shards = testShards(options);
  if (shards === 1) return startOneController(options);
  const parts = Array.from({ length: shards }, (_, index) =>
    startOneController({ ...options, flags: [...(options.flags ?? []), '--shards', String(shards), '--shard-index', String(index)] }));
  const first = parts[0] as ControllerProcess;
  const allStarted = async <T>(read: (part: ControllerProcess) => Promise<T>): Promise<T> => (await Promise.all(parts.map(read)))[0] as T;
  return {
    child: first.child,
    parts,
    get logs() {
      return parts.flatMap((part) => part.logs);
    },
    exited: () => parts.every((part) => part.exited()),
    metricsUrl: () => allStarted((part) => part.metricsUrl()),
    probesUrl: () => allStarted((part) => part.probesUrl()),
    async stop() {
      const codes = await Promise.all(parts.map((part) => part.stop()));
      return codes.find((code) => code !== 0) ?? codes[0] ?? null;
    },
    async kill() {
      await Promise.all(parts.map((part) => part.kill()));
    },
  };
}
