/**
 * The demo as a library call: sets up (or reuses) the local stack, plays the chosen releases and
 * stops everything it started, whether it finishes, fails or is interrupted.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { CleanupStack } from './cleanup-stack.js';
import { ensureDemoCluster } from './demo-cluster.js';
import { acquireDemoLock } from './demo-lock.js';
import type { DemoOptions, Scenario } from './demo-options.js';
import { playManual, playPromote, playRollback, waitInitialDeploy, type ReleaseContext, type ReleaseResult } from './demo-releases.js';
import { metricsNarration, metricsWhereToLook, ROLLOUT_NAME, startDemoStack, type DemoStack } from './demo-stack.js';
import { DemoLiveView } from './live-view.js';
import { detectStyle } from '../../cli/terminal.js';
import { judgeRelease, type Verdict } from './demo-verdict.js';
import { backtestDemoReleases, type ReleaseBacktest } from './demo-backtest.js';
import { startJudgeNarrator } from './judge-narrator.js';
import type { RolloutFacts } from './rollout-observer.js';
import type { Segment } from './traffic-ledger.js';

export interface DemoRun {
  options: DemoOptions;
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  write: (text: string) => void;
}

export interface ReleaseReport {
  result: ReleaseResult;
  segments: Segment[];
  verdict: Verdict;
}

export interface DemoResult {
  ok: boolean;
  releases: ReleaseReport[];
  /** The judge template backtested over each release (Prometheus mode only). */
  backtests?: ReleaseBacktest[];
  error?: string;
}

const PLAYERS: Record<Scenario, (ctx: ReleaseContext) => Promise<ReleaseResult>> = {
  promote: (ctx) => playPromote(ctx),
  rollback: (ctx) => playRollback(ctx),
  manual: (ctx) => playManual(ctx),
};

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function statusLine(facts: RolloutFacts, stack: DemoStack): string {
  const step = facts.stepIndex === undefined ? '-' : `${Math.min(facts.stepIndex + 1, facts.stepCount)}/${facts.stepCount}`;
  const pause = facts.pauseReasons.length > 0 ? ` paused(${facts.pauseReasons.join(',')})` : '';
  const tally = stack.traffic.tally();
  const versions = Object.entries(tally.byVersion).map(([v, n]) => `${v}:${n}`).join(' ');
  return `[${clock()}] ${facts.phase.padEnd(11)} step ${step.padEnd(5)} canary ${String(stack.appliedCanaryWeight()).padStart(3)}%${pause}  ${facts.image}  ${facts.message}  | traffic ${versions} failed:${tally.failed}`;
}

function whereToLook(stack: DemoStack): string[] {
  const ns = stack.namespace;
  return [
    'Where to look:',
    `  dashboard (live, in a browser): ${stack.dashboardUrl}`,
    `  app through the edge proxy:  ${stack.appUrl}   (reload it: the version and colour shift)`,
    `  edge proxy routes / metrics: http://${stack.proxy.host}:${stack.proxy.metricsPort}/routes  ${stack.proxy.metricsUrl}`,
    `  ${metricsWhereToLook(stack)}`,
    `  kubectl:                     export KUBECONFIG=${stack.kubeconfig}; kubectl -n ${ns} get rollouts,rs,pods,mappings`,
    `  live view:                   node bin/kanary.js get rollout demo -w -n ${ns} --kubeconfig ${stack.kubeconfig}`,
  ];
}

function trafficLine(stack: DemoStack): string {
  const tally = stack.traffic.tally();
  const versions = Object.entries(tally.byVersion).map(([v, n]) => `${v}: ${n}`).join('  ');
  return `traffic through the edge proxy: canary ${stack.appliedCanaryWeight()}% of requests   ${versions}   failed: ${tally.failed}`;
}

/** The apiVersion of examples/demo/mapping.yaml (getambassador.io/v2): the live view watches it. */
const DEMO_MAPPING_VERSION = 'v2';

async function playAll(run: DemoRun, stack: DemoStack, say: (line: string) => void, live: boolean): Promise<ReleaseReport[]> {
  const ctx: ReleaseContext = { stack, repoRoot: run.repoRoot, signal: run.signal, yes: run.options.yes, say, stableVersion: 'v1' };
  say(`[${clock()}] waiting for the 10 ${ctx.stableVersion} pods and the first traffic ...`);
  await waitInitialDeploy(ctx);
  if (!live) run.write(['', ...whereToLook(stack), '', ''].join('\n'));
  // The judge's evidence as it moves, from the AnalysisRuns (the live view shows it too).
  const narrator = startJudgeNarrator({ kubeConfig: stack.kubeConfig, namespace: stack.namespace, rolloutName: ROLLOUT_NAME, say });
  try {
    return await playReleases(run, ctx, say);
  } finally {
    await narrator.stop();
  }
}

async function playReleases(run: DemoRun, ctx: ReleaseContext, say: (line: string) => void): Promise<ReleaseReport[]> {
  const stack = ctx.stack;
  const reports: ReleaseReport[] = [];
  for (const scenario of run.options.scenarios) {
    const result = await PLAYERS[scenario](ctx);
    const segments = stack.ledger.segmentsOf(result.release);
    const verdict = judgeRelease(result, segments);
    say(verdict.lines.join('\n'));
    reports.push({ result, segments, verdict });
  }
  return reports;
}

async function waitForCtrlC(run: DemoRun, say: (line: string) => void): Promise<void> {
  if (!run.options.tty || run.options.yes || run.signal.aborted) return;
  say('The demo is over and everything is still running for you to explore. Ctrl-C stops it all.');
  await new Promise<void>((resolve) => run.signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** On a terminal: the live `get rollout -w` view with the narration under it. */
async function startLiveView(run: DemoRun, stack: DemoStack, cleanup: CleanupStack): Promise<DemoLiveView> {
  const view = new DemoLiveView({
    kubeConfig: stack.kubeConfig, namespace: stack.namespace, rolloutName: ROLLOUT_NAME, mappingVersion: DEMO_MAPPING_VERSION,
    style: detectStyle(true, run.env), write: run.write, footer: () => [trafficLine(stack), '', ...whereToLook(stack)],
  });
  cleanup.push('the live view', async () => { await view.stop(); run.write('\n'); });
  await view.start();
  return view;
}

/** Where the narration goes: the live view once it runs, plain lines otherwise. */
class Narrator {
  view: DemoLiveView | undefined;
  constructor(private readonly write: (text: string) => void) {}
  readonly say = (line: string): void => {
    if (this.view) this.view.say(`[${clock()}] ${line}`);
    else this.write(`${line}\n`);
  };
}

export async function runDemo(run: DemoRun): Promise<DemoResult> {
  mkdirSync(run.options.dir, { recursive: true });
  const release = acquireDemoLock(join(run.options.dir, 'demo.lock'));
  const cleanup = new CleanupStack();
  const narrator = new Narrator(run.write);
  const say = narrator.say;
  let releases: ReleaseReport[] = [];
  let backtests: ReleaseBacktest[] | undefined;
  try {
    const kubeconfig = await ensureDemoCluster({ dir: run.options.dir, repoRoot: run.repoRoot, env: run.env, say, ...(run.options.kubeconfig ? { kubeconfig: run.options.kubeconfig } : {}) }, cleanup);
    const stack = await startDemoStack({
      repoRoot: run.repoRoot, dir: run.options.dir, kubeconfig, namespace: run.options.namespace, rps: run.options.rps, metrics: run.options.metrics, say,
      onRolloutChange: (facts, s) => { if (!narrator.view) say(statusLine(facts, s)); },
    }, cleanup);
    say(`${metricsNarration(stack)}; ${run.options.rps} requests/s go to ${stack.appUrl}`);
    if (run.options.tty) narrator.view = await startLiveView(run, stack, cleanup);
    releases = await playAll(run, stack, say, narrator.view !== undefined);
    if (stack.prometheus) {
      backtests = await backtestDemoReleases({ repoRoot: run.repoRoot, prometheusAddress: stack.prometheus.address, releases: releases.map((r) => r.result), say });
    }
    await waitForCtrlC(run, say);
    return { ok: releases.length === run.options.scenarios.length && releases.every((r) => r.verdict.ok), releases, ...(backtests ? { backtests } : {}) };
  } catch (error) {
    return { ok: false, releases, error: (error as Error).message };
  } finally {
    say('stopping everything the demo started ...');
    await cleanup.runAll((line) => run.write(`${line}\n`));
    release();
  }
}
