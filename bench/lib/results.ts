/** Writes bench/results/<name>.json in the shape of issue 9. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from './stats.js';

export const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(benchRoot, '..');

export interface Machine {
  cores: number;
  memoryGb: number;
  node: string;
}

export interface BenchResult {
  name: string;
  date: string;
  machine: Machine;
  /** The commit whose code was measured (KANARY_BENCH_COMMIT, else `git rev-parse HEAD`). */
  commit?: string;
  /** The API server's version (KANARY_BENCH_KUBERNETES_VERSION, set by scripts/bench.sh); absent in results measured on v1.20.2. */
  kubernetesVersion?: string;
  metrics: Record<string, Summary>;
  /** Free-form facts about the run (settings, counts by verb/resource, notes). */
  details?: Record<string, unknown>;
}

export function machine(): Machine {
  return { cores: cpus().length, memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version };
}

function measuredCommit(): string | undefined {
  if (process.env.KANARY_BENCH_COMMIT) return process.env.KANARY_BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function writeResult(name: string, metrics: Record<string, Summary>, details?: Record<string, unknown>): BenchResult {
  const commit = measuredCommit();
  const kubernetesVersion = process.env.KANARY_BENCH_KUBERNETES_VERSION;
  const result: BenchResult = {
    name, date: new Date().toISOString(), machine: machine(), ...(commit ? { commit } : {}),
    ...(kubernetesVersion ? { kubernetesVersion } : {}), metrics, ...(details ? { details } : {}),
  };
  const file = join(benchRoot, 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`bench: wrote ${file}`);
  return result;
}
