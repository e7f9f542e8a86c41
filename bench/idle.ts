/**
 * Idle: the controller at rest with 10 Healthy Rollouts (issue 20's target: RSS ≤ 80 MB). Deploys
 * them, waits until the controller's request counters stop moving, then samples its RSS every
 * second for 30 s and reads the V8 heap and thread figures it exports. Twice: with the chart's
 * Node flags (the young generation capped at 2 MiB per half, `--max-semi-space-size=2`; figures
 * without suffix) and with V8's defaults (suffix `_v8Defaults`). For reference, in the same run: a
 * bare `node` process that only waits (what Node.js itself costs) and one that has only imported
 * @kubernetes/client-node.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { benchRolloutDocs } from './lib/fixtures.js';
import { scrape } from './lib/metrics-text.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { CHART_NODE_FLAGS, createAll, openSession } from './lib/session.js';
import { single, summarize, type Summary } from './lib/stats.js';
import { inBatches, names, namespaceGone, settle, waitAllHealthy } from './scale.js';

const ROLLOUTS = 10;
const SAMPLE_SECONDS = 30;
const STEPS = [{ setWeight: 50 }, { setWeight: 100 }];

async function sampleRssMb(pid: number, seconds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < seconds; i++) {
    samples.push(readProcessStats(pid).rssMb);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return samples;
}

/** RSS of a node process running `code` and then idling, after it printed "ready". */
async function referenceRssMb(code: string): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `${code}; console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('ready') ? resolve() : undefined));
      child.once('exit', (c) => reject(new Error(`reference process exited (${c})`)));
    });
    const samples = await sampleRssMb(child.pid ?? 0, 5);
    return summarize(samples, 'MB').median;
  } finally {
    child.kill('SIGKILL');
  }
}

function heapFigures(samples: Awaited<ReturnType<typeof scrape>>, suffix: string): Record<string, Summary> {
  const value = (name: string): number => samples.find((s) => s.name === name)?.value ?? Number.NaN;
  const mb = (bytes: number): number => Math.round((bytes / 1024 ** 2) * 10) / 10;
  return {
    [`idleHeapUsed${suffix}`]: single(mb(value('nodejs_heap_size_used_bytes')), 'MB'),
    [`idleHeapTotal${suffix}`]: single(mb(value('nodejs_heap_size_total_bytes')), 'MB'),
    [`idleExternal${suffix}`]: single(mb(value('nodejs_external_memory_bytes')), 'MB'),
  };
}

interface IdleFigures {
  metrics: Record<string, Summary>;
  healthy: number;
}

async function idleRun(nodeFlags: string[], suffix: string): Promise<IdleFigures> {
  const session = await openSession('idle', undefined, nodeFlags);
  try {
    const rollouts = names(ROLLOUTS);
    await inBatches(rollouts, (name) => createAll(session, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS, headless: true })));
    const healthy = await waitAllHealthy(session, { count: ROLLOUTS, sinceMs: 0, budgetMs: 120_000 });
    await settle(session, 60_000);
    const pid = session.controller.child.pid ?? 0;
    const rss = await sampleRssMb(pid, SAMPLE_SECONDS);
    const threads = readdirSync(`/proc/${pid}/task`).length;
    const idle = summarize(rss, 'MB');
    const heap = heapFigures(await scrape(session.metricsUrl), suffix);
    console.log(`idle (${nodeFlags.join(' ') || 'V8 defaults'}): ${healthy}/${ROLLOUTS} Healthy; controller RSS median ${idle.median} MB, heap used ${heap[`idleHeapUsed${suffix}`]?.median} MB, ${threads} threads`);
    return { metrics: { [`idleRss${suffix}`]: idle, ...heap, [`idleThreads${suffix}`]: single(threads, 'threads') }, healthy };
  } finally {
    await session.close();
    await namespaceGone(session);
  }
}

export async function runIdle(): Promise<void> {
  const chart = await idleRun(CHART_NODE_FLAGS, '');
  const defaults = await idleRun([], '_v8Defaults');
  const bareNode = await referenceRssMb('');
  const clientNode = await referenceRssMb("await import('@kubernetes/client-node')");
  console.log(`idle references: bare node ${bareNode} MB, node with client-node imported ${clientNode} MB`);
  writeResult('idle', {
    ...chart.metrics,
    ...defaults.metrics,
    bareNodeRss: single(bareNode, 'MB'),
    clientNodeImportedRss: single(clientNode, 'MB'),
  }, { rollouts: ROLLOUTS, healthy: [chart.healthy, defaults.healthy], sampleSeconds: SAMPLE_SECONDS, chartNodeFlags: CHART_NODE_FLAGS, node: process.version });
}
