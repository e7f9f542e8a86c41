/**
 * `npm run bench [name...]`: runs the benchmarks (all by default) against the cluster of
 * KANARY_TEST_KUBECONFIG (scripts/bench.sh sets it), then rewrites docs/benchmarks.md.
 */
import { runRollbackLatency } from './rollback-latency.js';
import { runStepLatency } from './step-latency.js';
import { runApiCost } from './api-cost.js';
import { runScale } from './scale.js';
import { runCliStartup } from './cli-startup.js';
import { runShards } from './shards.js';
import { runIdle } from './idle.js';
import { runShardTakeover } from './shard-takeover.js';
import { DASHBOARD_DEFAULTS, runDashboardBench } from './dashboard.js';
import { writeDoc } from './write-doc.js';

/** `--name value` flags after the benchmark names (e.g. `dashboard --minutes 20`). */
type Flags = Map<string, string>;

function numberFlag(flags: Flags, name: string, fallback: number): number {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} wants a positive number, got ${text}`);
  return value;
}

const benchmarks: Record<string, (flags: Flags) => Promise<void>> = {
  'rollback-latency': () => runRollbackLatency(),
  'step-latency': () => runStepLatency(),
  'api-cost': () => runApiCost(),
  scale: () => runScale(),
  'cli-startup': () => runCliStartup(),
  shards: () => runShards(),
  idle: () => runIdle(),
  'shard-takeover': () => runShardTakeover(),
  dashboard: (flags) => runDashboardBench({
    rollouts: numberFlag(flags, 'rollouts', DASHBOARD_DEFAULTS.rollouts),
    renders: numberFlag(flags, 'renders', DASHBOARD_DEFAULTS.renders),
    updates: numberFlag(flags, 'updates', DASHBOARD_DEFAULTS.updates),
    minutes: numberFlag(flags, 'minutes', DASHBOARD_DEFAULTS.minutes),
  }),
};

function parseArgs(args: readonly string[]): { names: string[]; flags: Flags } {
  const names: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw new Error(`${arg} wants a value`);
    flags.set(arg.slice(2), value);
    i++;
  }
  return { names, flags };
}

async function main(): Promise<void> {
  const { names: wanted, flags } = parseArgs(process.argv.slice(2));
  if (wanted.includes('doc')) {
    writeDoc();
    return;
  }
  const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
  for (const name of names) {
    const run = benchmarks[name];
    if (!run) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
    console.log(`bench: ${name}`);
    await run(flags);
  }
  writeDoc();
}

await main();
