// /healthz and /readyz on their own port, answered by a worker thread (probe-worker.ts) from the
// state this thread posts every heartbeat. Kubelet probes get an answer at once however busy the
// controller is; a controller whose event loop stops posting turns unhealthy after the stall limit.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../runtime/spawn-worker.js';
import type { ProbeStateMessage, ProbeWorkerMessage, ProbeWorkerSettings } from './probe-worker.js';

/**
 * `{ ready: true }` (with an optional detail for the body, e.g. the Mapping apiVersion in use) or
 * why not, e.g. `{ ready: false, reason: 'informer rollouts not synced' }`.
 */
export type Readiness = { ready: true; detail?: string } | { ready: false; reason: string };

export interface ProbeServerOptions {
  /** Interface to bind (e.g. `127.0.0.1`); empty means every interface. */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  isReady: () => Readiness;
  /** Optional liveness check; the default says the process is alive. */
  isHealthy?: () => Readiness;
  /** How often the state is posted to the probe thread (default 250 ms). */
  heartbeatMs?: number;
  /** No heartbeat for this long makes /healthz fail (default 10 s). */
  stallLimitMs?: number;
}

export interface ListeningServer {
  /** The bound address, e.g. `http://127.0.0.1:43817`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function evaluate(check: () => Readiness): Readiness {
  try {
    return check();
  } catch (error) {
    return { ready: false, reason: `check failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function stateOf(options: ProbeServerOptions): ProbeStateMessage {
  const health = evaluate(options.isHealthy ?? (() => ({ ready: true })));
  const ready = evaluate(options.isReady);
  return {
    kind: 'state',
    healthy: health.ready,
    healthReason: health.ready ? '' : health.reason,
    ready: ready.ready,
    readyReason: ready.ready ? ready.detail ?? '' : ready.reason,
  };
}

function waitListening(worker: Worker): Promise<Extract<ProbeWorkerMessage, { kind: 'listening' }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`probe server thread exited with code ${code}`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: ProbeWorkerMessage) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (message.kind === 'listening') resolve(message);
      else reject(new Error(message.kind === 'failed' ? message.message : 'probe server stopped before listening'));
    });
  });
}

/** Starts the probe thread; resolves once it listens. */
export async function startProbeServer(options: ProbeServerOptions): Promise<ListeningServer> {
  const settings: ProbeWorkerSettings = { host: options.host, port: options.port, stallLimitMs: options.stallLimitMs ?? 10_000 };
  const worker = spawnWorker(new URL('./probe-worker.js', import.meta.url), { workerData: settings, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  const post = () => worker.postMessage(stateOf(options));
  post();
  let listening: Extract<ProbeWorkerMessage, { kind: 'listening' }>;
  try {
    listening = await waitListening(worker);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const heartbeat = setInterval(post, options.heartbeatMs ?? 250);
  heartbeat.unref();
  const host = listening.family === 'IPv6' ? `[${listening.address}]` : listening.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${listening.port}`,
    port: listening.port,
    close: () => {
      clearInterval(heartbeat);
      closed ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate(), 2_000);
        worker.once('exit', () => { clearTimeout(timer); resolve(); });
        worker.postMessage({ kind: 'stop' } satisfies ProbeStateMessage);
      });
      return closed;
    },
  };
}
