/**
 * Idle: the controller at rest with 10 Healthy Rollouts (issue 20's target: RSS ≤ 80 MB). Deploys
 * them, waits until the controller's request counters stop moving, then samples its RSS every
 * second for 30 s and reads the V8 heap and thread figures it exports. For reference, in the same
 * run: a bare `node` process that only waits (what Node.js itself costs) and one that has only
 * imported @kubernetes/client-node.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { benchRolloutDocs } from './lib/fixtures.js';
import { scrape } from './lib/metrics-text.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { createAll, openSession } from './lib/session.js';
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

function heapFigures(samples: Awaited<ReturnType<typeof scrape>>): Record<string, Summary> {
  const value = (name: string): number => samples.find((s) => s.name === name)?.value ?? Number.NaN;
  const mb = (bytes: number): number => Math.round((bytes / 1024 ** 2) * 10) / 10;
  return {
    idleHeapUsed: single(mb(value('nodejs_heap_size_used_bytes')), 'MB'),
    idleHeapTotal: single(mb(value('nodejs_heap_size_total_bytes')), 'MB'),
    idleExternal: single(mb(value('nodejs_external_memory_bytes')), 'MB'),
  };
}

export async function runIdle(): Promise<void> {
  const session = await openSession('idle');
  try {
    const rollouts = names(ROLLOUTS);
    await inBatches(rollouts, (name) => createAll(session, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS, headless: true })));
    const healthy = await waitAllHealthy(session, { count: ROLLOUTS, sinceMs: 0, budgetMs: 120_000 });
    await settle(session, 60_000);
    const pid = session.controller.child.pid ?? 0;
    const rss = await sampleRssMb(pid, SAMPLE_SECONDS);
    const threads = readdirSync(`/proc/${pid}/task`).length;
    const heap = heapFigures(await scrape(session.metricsUrl));
    const bareNode = await referenceRssMb('');
    const clientNode = await referenceRssMb("await import('@kubernetes/client-node')");
    const idle = summarize(rss, 'MB');
    console.log(`idle: ${healthy}/${ROLLOUTS} Healthy; controller RSS median ${idle.median} MB (bare node ${bareNode} MB, node with client-node imported ${clientNode} MB), heap used ${heap.idleHeapUsed?.median} MB, ${threads} threads`);
    writeResult('idle', {
      idleRss: idle,
      ...heap,
      bareNodeRss: single(bareNode, 'MB'),
      clientNodeImportedRss: single(clientNode, 'MB'),
      idleThreads: single(threads, 'threads'),
    }, { rollouts: ROLLOUTS, healthy, sampleSeconds: SAMPLE_SECONDS, node: process.version });
  } finally {
    await session.close();
    await namespaceGone(session);
  }
}
