// The worker-thread side of cel-sandbox.ts: evaluates conditions that the main thread already
// parsed, type-checked and budgeted. Runs only inside a worker (a no-op when imported elsewhere).
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseResult } from '@marcbachmann/cel-js';
import { createConditionEnvironment, parseWithinBudget, runProgram, type ConditionOutcome, type ConditionVariables } from './cel-condition.js';

export interface CelWorkerRequest {
  id: number;
  expression: string;
  variables: ConditionVariables;
}

/** Passed as workerData. */
export interface CelWorkerSettings {
  maxCost: number;
}

export type CelWorkerMessage = { ready: true } | { id: number; outcome: ConditionOutcome };

const PROGRAM_CACHE_SIZE = 512;

function serve(port: NonNullable<typeof parentPort>, settings: CelWorkerSettings): void {
  const env = createConditionEnvironment();
  const programs = new Map<string, ParseResult>();
  const evaluate = (request: CelWorkerRequest): ConditionOutcome => {
    let program = programs.get(request.expression);
    if (program === undefined) {
      const parsed = parseWithinBudget(env, request.expression, settings.maxCost);
      if ('problem' in parsed) return { ok: false, message: parsed.problem.ok ? 'unexpected' : parsed.problem.message };
      program = parsed.program;
      if (programs.size >= PROGRAM_CACHE_SIZE) programs.clear();
      programs.set(request.expression, program);
    }
    return runProgram(request.expression, program, request.variables);
  };
  port.on('message', (request: CelWorkerRequest) => {
    let outcome: ConditionOutcome;
    try {
      outcome = evaluate(request);
    } catch (error) {
      outcome = { ok: false, message: `condition "${request.expression}" failed to evaluate: ${(error as Error).message}` };
    }
    port.postMessage({ id: request.id, outcome } satisfies CelWorkerMessage);
  });
  port.postMessage({ ready: true } satisfies CelWorkerMessage);
}

if (parentPort !== null) serve(parentPort, workerData as CelWorkerSettings);
