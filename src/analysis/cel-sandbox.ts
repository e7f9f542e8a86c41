// Evaluates CEL conditions off the main thread under a wall-clock limit. The library cannot be
// interrupted, so each evaluation runs in a worker thread (cel-worker.ts); one that overruns the
// limit is terminated and its worker replaced. The controller's event loop never runs tenant CEL.
import type { Worker } from 'node:worker_threads';
import type { Environment } from '@marcbachmann/cel-js';
import {
  compileCondition,
  createConditionEnvironment,
  type CompiledCondition,
  type ConditionCompileResult,
  type ConditionEngine,
  type ConditionOutcome,
  type ConditionVariables,
} from './cel-condition.js';
import { spawnWorker } from '../runtime/spawn-worker.js';
import { CEL_LIMITS } from './cel-limits.js';
import { TenantQueue } from './tenant-queue.js';
import type { CelWorkerMessage, CelWorkerRequest, CelWorkerSettings } from './cel-worker.js';

export interface CelSandboxOptions {
  /** Wall-clock limit of one evaluation. */
  timeoutMs: number;
  /** Worker threads evaluating in parallel (default 1). */
  workers?: number;
  /** Heap limit of each worker in MiB (default 128). */
  maxHeapMb?: number;
  /** For compiling on the main thread; one is built when omitted. */
  env?: Environment;
  /** Named in the timeout message, e.g. `--analysis-condition-timeout`. */
  timeoutSetting?: string;
  /** Static cost budget (default CEL_LIMITS.maxCost); the wall-clock limit backs it up. */
  maxCost?: number;
}

const STARTUP_TIMEOUT_MS = 60_000;

interface Pending {
  tenant: string;
  request: CelWorkerRequest;
  resolve: (outcome: ConditionOutcome) => void;
}

interface Slot {
  worker?: Worker;
  ready: boolean;
  busy?: Pending & { timer: NodeJS.Timeout };
  startTimer?: NodeJS.Timeout;
}

/** The worker's entry: cel-worker beside this file (compiled, or its TypeScript source). */
function spawnCelWorker(maxHeapMb: number, settings: CelWorkerSettings) {
  return spawnWorker(new URL('./cel-worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb }, workerData: settings });
}

export class CelSandbox implements ConditionEngine {
  private readonly env: Environment;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly timeoutSetting: string;
  private readonly maxCost: number;
  private readonly slots: Slot[];
  /** Waiting evaluations per tenant (namespace), served round-robin. */
  private readonly queue = new TenantQueue<Pending>();
  private nextId = 1;
  private closed = false;
  /** Whether any worker ever became ready (a worker that cannot even load fails the queue instead of looping). */
  private everReady = false;

  constructor(options: CelSandboxOptions) {
    this.env = options.env ?? createConditionEnvironment();
    this.timeoutMs = options.timeoutMs;
    this.maxHeapMb = options.maxHeapMb ?? 128;
    this.timeoutSetting = options.timeoutSetting ?? 'the condition time limit';
    this.maxCost = options.maxCost ?? CEL_LIMITS.maxCost;
    this.slots = Array.from({ length: Math.max(1, Math.floor(options.workers ?? 1)) }, () => ({ ready: false }));
  }

  compileCondition(expression: string): ConditionCompileResult {
    return compileCondition(this.env, expression, this.maxCost);
  }

  evaluateCondition(condition: CompiledCondition, variables: ConditionVariables, tenant = ''): Promise<ConditionOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, message: 'the condition evaluator is shut down' });
    return new Promise((resolve) => {
      this.queue.push(tenant, { tenant, request: { id: this.nextId++, expression: condition.expression, variables }, resolve });
      this.dispatch();
    });
  }

  /** Terminates every worker; pending evaluations end with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.drain()) pending.resolve({ ok: false, message: 'the condition evaluator is shut down' });
    await Promise.all(this.slots.map((slot) => this.retire(slot, 'the condition evaluator is shut down')));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.worker === undefined) this.start(slot);
      if (!slot.ready || slot.busy !== undefined) continue;
      const pending = this.queue.shift();
      if (pending === undefined) return;
      const timer = setTimeout(() => this.onTimeout(slot), this.timeoutMs);
      const resolve = (outcome: ConditionOutcome) => {
        this.queue.done(pending.tenant);
        pending.resolve(outcome);
      };
      slot.busy = { ...pending, resolve, timer };
      slot.worker?.postMessage(pending.request);
    }
  }

  private start(slot: Slot): void {
    const worker = spawnCelWorker(this.maxHeapMb, { maxCost: this.maxCost });
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    slot.startTimer = setTimeout(() => void this.fail(slot, worker, 'the condition evaluator did not start'), STARTUP_TIMEOUT_MS);
    worker.on('message', (message: CelWorkerMessage) => this.onMessage(slot, worker, message));
    worker.on('error', (error) => void this.fail(slot, worker, `the condition evaluator failed: ${error.message}`));
    worker.on('exit', () => void this.fail(slot, worker, 'the condition evaluator stopped'));
  }

  private onMessage(slot: Slot, worker: Worker, message: CelWorkerMessage): void {
    if (slot.worker !== worker) return;
    if ('ready' in message) {
      clearTimeout(slot.startTimer);
      slot.ready = true;
      this.everReady = true;
    } else if (slot.busy?.request.id === message.id) {
      const { resolve, timer } = slot.busy;
      clearTimeout(timer);
      slot.busy = undefined;
      resolve(message.outcome);
    }
    this.dispatch();
  }

  private onTimeout(slot: Slot): void {
    const expression = slot.busy?.request.expression ?? '';
    const seconds = this.timeoutMs / 1000;
    void this.retire(slot, `condition "${expression}" ran longer than the ${seconds}s evaluation time limit (${this.timeoutSetting}) and was stopped`)
      .then(() => this.dispatch());
  }

  /** A worker that failed or exited: whatever it was evaluating ends with `message`. */
  private async fail(slot: Slot, worker: Worker, message: string): Promise<void> {
    if (slot.worker !== worker) return;
    await this.retire(slot, message);
    if (!this.closed) this.failQueuedIfNeverReady(message);
    this.dispatch();
  }

  /** Without any worker ever becoming ready (e.g. it cannot load), queued evaluations fail rather than wait. */
  private failQueuedIfNeverReady(message: string): void {
    if (this.everReady) return;
    for (const pending of this.queue.drain()) pending.resolve({ ok: false, message });
  }

  private async retire(slot: Slot, message: string): Promise<void> {
    const { worker, busy } = slot;
    clearTimeout(slot.startTimer);
    slot.worker = undefined;
    slot.ready = false;
    slot.busy = undefined;
    if (busy !== undefined) {
      clearTimeout(busy.timer);
      busy.resolve({ ok: false, message });
    }
    if (worker !== undefined) await worker.terminate();
  }
}
