/**
 * Starts a REAL Prometheus (Debian's binary, installed by scripts/setup-prometheus.sh) on a free
 * loopback port, scraping the given targets every second by default, with a throwaway storage
 * directory. Used by the demo and by the analysis tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';
import { renderPrometheusConfig } from './prometheus-config.js';

export interface PrometheusHandle {
  /** e.g. http://127.0.0.1:41234 */
  address: string;
  port: number;
  /** Everything Prometheus wrote to stderr so far (for diagnostics). */
  logs(): string;
  /** Kills Prometheus (SIGTERM, then SIGKILL) and removes its storage. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** host:port scrape targets, e.g. ['127.0.0.1:40001']. */
  targets: string[];
  scrapeIntervalSeconds?: number;
  readyTimeoutMs?: number;
  /** The scrape job's name (default `test`). */
  jobName?: string;
  /** The binary (default `prometheus` on PATH). */
  binary?: string;
  /**
   * An existing TSDB directory to serve (e.g. blocks backfilled with promtool); it is the caller's
   * and is kept on stop. Default: a fresh directory, removed on stop.
   */
  storagePath?: string;
  /** `--storage.tsdb.retention.time`, e.g. `30d` (Prometheus deletes older blocks at start-up). */
  retention?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `prometheus --version` runs; `env` (default: this process's) decides the PATH searched. */
export function isPrometheusInstalled(binary = 'prometheus', env: NodeJS.ProcessEnv = process.env): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore', env });
  return probe.error === undefined && probe.status === 0;
}

async function isReady(address: string): Promise<boolean> {
  try {
    const response = await fetch(`${address}/-/ready`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

interface ReadyWait { child: ChildProcess; address: string; timeoutMs: number; logs: () => string }

async function waitReady({ child, address, timeoutMs, logs }: ReadyWait): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${logs()}`);
    if (await isReady(address)) return;
    await sleep(100);
  }
  throw new Error(`prometheus not ready within ${timeoutMs} ms:\n${logs()}`);
}

function spawnPrometheus(binary: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.once('spawn', () => resolve(child));
    child.once('error', (err) => reject(new Error(`cannot run ${binary}: ${err.message} (install it with bash scripts/setup-prometheus.sh)`)));
  });
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'kanary-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  const config = renderPrometheusConfig({
    targets: options.targets,
    intervalSeconds: options.scrapeIntervalSeconds ?? 1,
    jobName: options.jobName ?? 'test',
  });
  await writeFile(configFile, config);
  const port = await findFreePort();
  const address = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  try {
    child = await spawnPrometheus(options.binary ?? 'prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${options.storagePath ?? join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(options.retention === undefined ? [] : [`--storage.tsdb.retention.time=${options.retention}`]),
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const logs = () => stderr;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady({ child, address, timeoutMs: options.readyTimeoutMs ?? 30_000, logs });
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, port, logs, stop };
}

/** Polls an instant query until `accept` returns true for its `data.result` (bounded). */
export async function waitForQuery(
  address: string,
  query: string,
  accept: (result: unknown) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await fetch(`${address}/api/v1/query?query=${encodeURIComponent(query)}`);
    last = ((await response.json()) as { data?: { result?: unknown } }).data?.result;
    if (accept(last)) return;
    await sleep(200);
  }
  throw new Error(`query ${query} never matched; last result ${JSON.stringify(last)}`);
}
