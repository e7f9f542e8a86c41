/** The three releases the demo plays, each judged from the Rollout's state and real traffic. */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { demoImage, MANUAL_STEPS } from './demo-manifests.js';
import { ROLLOUT_NAME, type DemoStack } from './demo-stack.js';
import { findAbortingGate, readJudgeEvidence, type GateFailure, type JudgeEvidence } from './judge-evidence.js';
import { listRolloutRuns } from './judge-narrator.js';
import { runKubectl } from './kubectl.js';
import type { RolloutFacts } from './rollout-observer.js';
import type { Scenario } from './demo-options.js';
import type { Tally } from './traffic-ledger.js';
import { sleepMs, waitUntil } from './wait-until.js';

export interface ReleaseContext {
  stack: DemoStack;
  repoRoot: string;
  signal: AbortSignal;
  yes: boolean;
  say: (line: string) => void;
  /** The version stable now (changes with each promotion). */
  stableVersion: string;
}

export interface ReleaseResult {
  scenario: Scenario;
  /** The traffic label, e.g. `v1->v2`. */
  release: string;
  fromVersion: string;
  toVersion: string;
  ok: boolean;
  detail: string;
  tally: Tally;
  /** rollback: seconds from the abort to no traffic on the canary. */
  rollbackSeconds?: number;
  /** The release's analysis as its AnalysisRuns ended (undefined when they could not be read). */
  analysis?: ReleaseAnalysis;
  /** When the new image was applied, and when the release ended (promoted, or rolled back). */
  startedAtMs?: number;
  endedAtMs?: number;
}

export interface ReleaseAnalysis {
  /** Every judged metric of the release's runs, with its evidence. */
  judge: JudgeEvidence[];
  /** The metric that failed first, when one did. */
  abortedBy?: GateFailure;
}

const RELEASE_TIMEOUT_MS = 5 * 60_000;

function kubectlBase(ctx: ReleaseContext): { kubeconfig: string; ns: string[] } {
  return { kubeconfig: ctx.stack.kubeconfig, ns: ['-n', ctx.stack.namespace] };
}

async function patchRollout(ctx: ReleaseContext, version: string, steps?: unknown[]): Promise<void> {
  const ops: unknown[] = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: demoImage(version) }];
  if (steps) ops.push({ op: 'replace', path: '/spec/strategy/canary/steps', value: steps });
  const { kubeconfig, ns } = kubectlBase(ctx);
  await runKubectl({ kubeconfig, args: ['patch', 'rollouts.kanary.dev', ROLLOUT_NAME, ...ns, '--type', 'json', '-p', JSON.stringify(ops)] });
}

function facts(ctx: ReleaseContext): RolloutFacts | undefined {
  return ctx.stack.observer.facts();
}

function isPromoted(f: RolloutFacts | undefined, image: string): boolean {
  return f !== undefined && f.observed && f.image === image && f.phase === 'Healthy' && f.currentHash !== undefined && f.stableHash === f.currentHash;
}

/** Resolves once only the stable ReplicaSet has pods (old ones scaled down and gone). */
async function waitOnlyStablePods(ctx: ReleaseContext): Promise<void> {
  const apps = ctx.stack.kubeConfig.makeApiClient(k8s.AppsV1Api);
  await waitUntil(async () => {
    const stable = facts(ctx)?.stableHash;
    const list = await apps.listNamespacedReplicaSet({ namespace: ctx.stack.namespace });
    const others = list.items.filter((rs) => rs.metadata?.name !== `${ROLLOUT_NAME}-${stable ?? ''}`);
    return others.every((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0) ? true : undefined;
  }, { description: 'the old ReplicaSets to scale down', timeoutMs: 120_000, signal: ctx.signal, intervalMs: 500 });
}

async function waitPromotedOrAborted(ctx: ReleaseContext, image: string): Promise<'promoted' | 'aborted'> {
  return waitUntil(() => {
    const f = facts(ctx);
    if (f?.observed && f.abort && f.image === image) return 'aborted' as const;
    return isPromoted(f, image) ? 'promoted' as const : undefined;
  }, { description: `${image} to be promoted or aborted`, timeoutMs: RELEASE_TIMEOUT_MS, signal: ctx.signal });
}

function begin(ctx: ReleaseContext, scenario: Scenario, toVersion: string): ReleaseResult {
  const release = `${ctx.stableVersion}->${toVersion}`;
  ctx.stack.release = release;
  return { scenario, release, fromVersion: ctx.stableVersion, toVersion, ok: false, detail: '', tally: { total: 0, failed: 0, byVersion: {} }, startedAtMs: Date.now() };
}

/** The release's AnalysisRuns (those of its pod-template hash): the judge's evidence, the gate that failed. */
async function readReleaseAnalysis(ctx: ReleaseContext): Promise<ReleaseAnalysis | undefined> {
  const hash = facts(ctx)?.currentHash;
  if (hash === undefined) return undefined;
  try {
    const runs = await listRolloutRuns({ kubeConfig: ctx.stack.kubeConfig, namespace: ctx.stack.namespace, rolloutName: ROLLOUT_NAME, podTemplateHash: hash });
    const abortedBy = findAbortingGate(runs);
    return { judge: runs.flatMap(readJudgeEvidence), ...(abortedBy ? { abortedBy } : {}) };
  } catch {
    return undefined;
  }
}

async function finish(ctx: ReleaseContext, result: ReleaseResult): Promise<ReleaseResult> {
  result.endedAtMs = Date.now();
  result.tally = ctx.stack.ledger.releaseTally(result.release);
  const analysis = await readReleaseAnalysis(ctx);
  if (analysis) result.analysis = analysis;
  return result;
}

/** v1 -> v2: analysis passes at every step, promoted with no human action. */
export async function playPromote(ctx: ReleaseContext, toVersion = 'v2'): Promise<ReleaseResult> {
  const result = begin(ctx, 'promote', toVersion);
  ctx.say(`release ${result.release}: kubectl patch the Rollout's image to ${demoImage(toVersion)}; the judge compares canary and stable errors in the background, thresholds gate the analysis steps`);
  await patchRollout(ctx, toVersion);
  const outcome = await waitPromotedOrAborted(ctx, demoImage(toVersion));
  if (outcome === 'promoted') {
    await waitOnlyStablePods(ctx);
    ctx.stableVersion = toVersion;
  }
  result.ok = outcome === 'promoted';
  result.detail = outcome === 'promoted' ? `${toVersion} promoted with no human action` : `${toVersion} was aborted: ${facts(ctx)?.message ?? ''}`;
  return finish(ctx, result);
}

/** v2 -> v3 (faulty): analysis fails, automatic abort, traffic back on stable within seconds. */
export async function playRollback(ctx: ReleaseContext, toVersion = 'v3'): Promise<ReleaseResult> {
  const result = begin(ctx, 'rollback', toVersion);
  ctx.say(`release ${result.release}: ${demoImage(toVersion)} answers 30% 5xx and 20% slow; the judge (background analysis from the first canary request) or the step thresholds should catch it`);
  await patchRollout(ctx, toVersion);
  const outcome = await waitPromotedOrAborted(ctx, demoImage(toVersion));
  if (outcome === 'promoted') {
    ctx.stableVersion = toVersion;
    result.detail = `${toVersion} was promoted although faulty`;
    return finish(ctx, result);
  }
  const abortedAt = Date.now();
  await waitUntil(() => (ctx.stack.appliedCanaryWeight() === 0 ? true : undefined), { description: 'traffic back on stable', timeoutMs: 60_000, signal: ctx.signal, intervalMs: 50 });
  result.rollbackSeconds = (Date.now() - abortedAt) / 1000;
  await waitOnlyStablePods(ctx);
  result.ok = result.rollbackSeconds <= 10;
  result.detail = `aborted (${facts(ctx)?.message ?? ''}); all traffic back on ${ctx.stableVersion} ${result.rollbackSeconds.toFixed(1)} s after the abort`;
  return finish(ctx, result);
}

function runPromoteCli(ctx: ReleaseContext): Promise<void> {
  const args = [join(ctx.repoRoot, 'bin', 'kanary.js'), 'promote', ROLLOUT_NAME, '-n', ctx.stack.namespace, '--kubeconfig', ctx.stack.kubeconfig];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kanary promote failed: ${stderr.trim() || error.message}`));
      else {
        ctx.say(`  $ kanary promote ${ROLLOUT_NAME} -n ${ctx.stack.namespace}\n  ${stdout.trim()}`);
        resolve();
      }
    });
  });
}

/** A release with `pause: {}`: waits for `kanary promote` (run by the demo with --yes). */
export async function playManual(ctx: ReleaseContext, toVersion = 'v4'): Promise<ReleaseResult> {
  const result = begin(ctx, 'manual', toVersion);
  ctx.say(`release ${result.release}: steps setWeight 50, then pause {} until someone promotes`);
  await patchRollout(ctx, toVersion, MANUAL_STEPS);
  await waitUntil(() => (facts(ctx)?.pauseReasons.includes('CanaryPauseStep') ? true : undefined), { description: 'the pause step', timeoutMs: 120_000, signal: ctx.signal });
  const command = `node bin/kanary.js promote ${ROLLOUT_NAME} -n ${ctx.stack.namespace} --kubeconfig ${ctx.stack.kubeconfig}`;
  if (ctx.yes) {
    ctx.say('paused at 50%: promoting in 5 s (--yes) with the real CLI');
    await sleepMs(5000, ctx.signal);
    await runPromoteCli(ctx);
  } else {
    ctx.say(`paused at 50% for a human. In another terminal run:\n\n    ${command}\n`);
  }
  const outcome = await waitPromotedOrAborted(ctx, demoImage(toVersion));
  if (outcome === 'promoted') {
    await waitOnlyStablePods(ctx);
    ctx.stableVersion = toVersion;
  }
  result.ok = outcome === 'promoted';
  result.detail = outcome === 'promoted' ? `${toVersion} promoted after kanary promote` : `${toVersion} was aborted`;
  return finish(ctx, result);
}

/** Resolves once the first release's version serves the traffic with the Rollout Healthy. */
/** One GET through the edge proxy: the stable version's answer, else undefined. */
function answeringVersion(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { version?: string }).version : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export async function waitInitialDeploy(ctx: ReleaseContext): Promise<void> {
  await waitUntil(() => (isPromoted(facts(ctx), demoImage(ctx.stableVersion)) ? true : undefined), { description: 'the first deploy to be Healthy', timeoutMs: 180_000, signal: ctx.signal });
  // The steady traffic starts only once the stable version answers through the edge proxy.
  await waitUntil(async () => ((await answeringVersion(ctx.stack.appUrl)) === ctx.stableVersion ? true : undefined), { description: `${ctx.stableVersion} to answer through the edge proxy`, timeoutMs: 60_000, signal: ctx.signal, intervalMs: 250 });
  ctx.stack.startTraffic();
  await waitUntil(() => ((ctx.stack.traffic.tally().byVersion[ctx.stableVersion] ?? 0) > 0 ? true : undefined), { description: 'traffic to reach the app', timeoutMs: 60_000, signal: ctx.signal });
  const { kubeconfig, ns } = kubectlBase(ctx);
  await runKubectl({ kubeconfig, args: ['get', 'rollouts.kanary.dev', ...ns] });
}
