/**
 * `npm run bench [name...]`: runs the benchmarks (all by default) against the cluster of
 * KANARY_TEST_KUBECONFIG (scripts/bench.sh sets it), then rewrites docs/benchmarks.md.
 */
import { runRollbackLatency } from './rollback-latency.js';
import { runStepLatency } from './step-latency.js';
import { runApiCost } from './api-cost.js';
import { runScale } from './scale.js';
import { runCliStartup } from './cli-startup.js';
import { writeDoc } from './write-doc.js';

const benchmarks: Record<string, () => Promise<void>> = {
  'rollback-latency': () => runRollbackLatency(),
  'step-latency': () => runStepLatency(),
  'api-cost': () => runApiCost(),
  scale: () => runScale(),
  'cli-startup': () => runCliStartup(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  if (wanted.includes('doc')) {
    writeDoc();
    return;
  }
  const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
  for (const name of names) {
    const run = benchmarks[name];
    if (!run) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
    console.log(`bench: ${name}`);
    await run();
  }
  writeDoc();
}

await main();
