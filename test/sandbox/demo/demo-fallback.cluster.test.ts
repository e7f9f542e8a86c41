/**
 * The non-interactive demo where Prometheus is not installed (a `prometheus` on PATH that cannot
 * run): it says how to install it, falls back to the web provider against the edge proxy's own
 * /stats/window (thresholds) and /stats/counters (the judge's counts), and reaches the same
 * outcomes as with Prometheus: v2 promoted
 * with zero failed requests and not aborted by the judge, v3 rolled back (canary weight 0) with
 * under 5 % failed and the judge's evidence in its run and on screen; nothing left running.
 * Then the stack with `metrics: 'edge-proxy'` forced while Prometheus is installed.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPrometheusInstalled } from '../../../src/sandbox/prometheus/prometheus.js';
import { CleanupStack } from '../../../src/sandbox/demo/cleanup-stack.js';
import { startDemoStack, type DemoStack } from '../../../src/sandbox/demo/demo-stack.js';
import { waitUntil } from '../../../src/sandbox/demo/wait-until.js';
import { parseDemoArgs } from '../../../src/sandbox/demo/demo-options.js';
import { runDemo, type DemoResult } from '../../../src/sandbox/demo/run-demo.js';
import { childPids } from '../../harness/child-processes.js';
import { testKubeconfigPath, useTestNamespace } from '../../harness/cluster.js';
import { expectBadReleaseJudged, expectHealthyReleaseNotAbortedByJudge } from './demo-judge-checks.js';

jest.setTimeout(12 * 60_000);
const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const ns = useTestNamespace('demo-fallback');

/** Puts first on PATH a `prometheus` that fails, as on a machine where it could not be installed. */
function hidePrometheus(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'no-prometheus-'));
  writeFileSync(join(dir, 'prometheus'), '#!/bin/sh\necho "prometheus: not installed here" >&2\nexit 127\n');
  chmodSync(join(dir, 'prometheus'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${saved ?? ''}`;
  return () => { process.env.PATH = saved; };
}

interface Listed {
  metadata: { labels?: Record<string, string> };
  spec: { metrics?: Array<{ provider: Record<string, unknown>; judge?: unknown }> };
  status?: { phase?: string } & Record<string, unknown>;
}

function kubectlJson(args: string[]): { items: Listed[] } {
  return JSON.parse(execFileSync('kubectl', ['--kubeconfig', testKubeconfigPath(), '-n', ns.name, ...args, '-o', 'json'], { encoding: 'utf8' }));
}

describe('npm run demo -- --no-tty without Prometheus', () => {
  let result: DemoResult;
  let output = '';
  let before: string[] = [];
  let restorePath: () => void = () => {};

  beforeAll(async () => {
    before = childPids();
    restorePath = hidePrometheus();
    const options = parseDemoArgs({
      argv: ['--no-tty', '--scenario', 'promote', '--scenario', 'rollback', '--kubeconfig', testKubeconfigPath(), '--namespace', ns.name, '--dir', mkdtempSync(join(tmpdir(), 'kanary-demo-'))],
      env: {}, homeDir: tmpdir(), stdoutIsTty: false,
    });
    try {
      result = await runDemo({ options, repoRoot, env: process.env, signal: new AbortController().signal, write: (t) => { output += t; } });
    } finally {
      restorePath();
    }
  });

  afterAll(() => restorePath());

  test('it says how to install Prometheus and that it falls back to the edge proxy\'s counters', () => {
    expect(isPrometheusInstalled()).toBe(true); // PATH restored: the shim hid a real install
    expect(output).toContain('Prometheus is not installed; to install it: sudo apt-get install prometheus (or bash scripts/setup-prometheus.sh)');
    expect(output).toMatch(/^Falling back: without Prometheus the analysis uses the web provider against the edge proxy's own counters/m);
    expect(output).toMatch(/the analysis reads the edge proxy's own counters at http:\/\/127\.0\.0\.1:\d+\/stats\/window\?cluster=demo_canary_80/);
    expect(output).not.toMatch(/^Prometheus http/m);
  });

  test('both releases end as expected', () => {
    if (!result.ok) process.stdout.write(output);
    expect(result.error).toBeUndefined();
    expect(result.releases.map((r) => [r.result.scenario, r.result.ok, r.verdict.ok])).toEqual([['promote', true, true], ['rollback', true, true]]);
  });

  test('v1 -> v2 is promoted with zero failed requests; v3 is rolled back to canary weight 0 with under 5% failed', () => {
    const [promote, rollback] = result.releases;
    expect(promote?.result.tally.total).toBeGreaterThan(500);
    expect(promote?.result.tally.failed).toBe(0);
    const t = rollback?.result.tally ?? { total: 0, failed: 0 };
    expect(t.total).toBeGreaterThan(100);
    expect(t.failed / t.total).toBeLessThan(0.05);
    expect(rollback?.result.rollbackSeconds).toBeDefined();
    const [rollout] = kubectlJson(['get', 'rollouts.kanary.dev']).items;
    expect(rollout?.status).toMatchObject({ abort: true, phase: 'Degraded', canary: { weights: { canary: { weight: 0 } } } });
  });

  test('the thresholds and the judge ran on the web provider: passing for v2, failing for v3', () => {
    const listed = kubectlJson(['get', 'analysisruns.kanary.dev']).items;
    const runs = listed.map((run) => ({
      kind: run.metadata.labels?.['kanary.dev/analysis-kind'],
      phase: run.status?.phase,
      thresholds: (run.spec.metrics ?? []).filter((m) => m.judge === undefined).flatMap((m) => Object.keys(m.provider)),
      judges: (run.spec.metrics ?? []).filter((m) => m.judge !== undefined).flatMap((m) => Object.keys(m.provider)),
    }));
    expect(runs.filter((r) => r.kind === 'step').length).toBeGreaterThan(0);
    expect(new Set(runs.flatMap((r) => r.thresholds))).toEqual(new Set(['web']));
    expect(runs.filter((r) => r.kind === 'background').map((r) => r.judges)).toEqual([['web'], ['web']]);
    expect(runs.some((r) => r.phase === 'Successful')).toBe(true);
    expect(runs.some((r) => r.phase === 'Failed')).toBe(true);
  });

  test('v3: the judge\'s evidence from the edge proxy\'s counters (counts per arm, ratio, evidence toward abort), on screen with the gate that aborted', () => {
    expectBadReleaseJudged(result, ns.name, output);
  });

  test('v2 is judged with traffic in both arms and not aborted by the judge', () => {
    expectHealthyReleaseNotAbortedByJudge(result, 'promote', ns.name);
  });

  test('nothing is left running', () => {
    const after = childPids().filter((pid) => !before.includes(pid));
    // `ps` itself is the only new child
    expect(after.length).toBeLessThanOrEqual(1);
    expect(output).toContain('stopping everything the demo started');
  });
});

describe('the demo stack with metrics: edge-proxy while Prometheus is installed', () => {
  const lines: string[] = [];
  const cleanup = new CleanupStack();
  let stack: DemoStack;
  let before: string[] = [];

  beforeAll(async () => {
    before = childPids();
    stack = await startDemoStack({
      repoRoot, dir: mkdtempSync(join(tmpdir(), 'kanary-demo-')), kubeconfig: testKubeconfigPath(), namespace: ns.name, rps: 20, metrics: 'edge-proxy', say: (l) => lines.push(l),
    }, cleanup);
  });

  afterAll(async () => cleanup.runAll((l) => lines.push(l)));

  test('no Prometheus is started; the templates are the web ones reading the edge proxy\'s admin port', () => {
    expect(isPrometheusInstalled()).toBe(true);
    expect(stack.metrics).toBe('edge-proxy');
    expect(stack.prometheus).toBeUndefined();
    expect(lines).toContain("--metrics edge-proxy: the analysis uses the web provider against the edge proxy's own counters (examples/demo/analysis-templates-web.yaml).");
    const templates = kubectlJson(['get', 'analysistemplates.kanary.dev']).items as unknown as Array<{ spec: { metrics: Array<{ provider: { web?: { url: string }; prometheus?: { address?: string } }; judge?: unknown }> } }>;
    const metrics = templates.flatMap((t) => t.spec.metrics);
    const urls = metrics.filter((m) => m.judge === undefined).map((m) => m.provider.web?.url);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url).toBe('{{args.metrics-address}}/stats/window?cluster={{args.envoy-cluster}}&seconds={{args.window-seconds}}&minRequests={{args.min-requests}}');
    expect(metrics.filter((m) => m.judge !== undefined).map((m) => m.provider.web?.url)).toEqual(['{{args.counts-address}}/stats/counters']);
    const [rollout] = kubectlJson(['get', 'rollouts.kanary.dev']).items as unknown as Array<{ spec: { strategy: { canary: { analysis: { args: unknown[] }; steps: Array<{ analysis?: { args: unknown[] } }> } } } }>;
    expect(rollout?.spec.strategy.canary.analysis.args).toContainEqual({ name: 'counts-address', value: stack.countsAddress });
    expect(stack.countsAddress).toBe(stack.proxy.adminUrl);
    for (const step of rollout!.spec.strategy.canary.steps.filter((s) => s.analysis)) expect(step.analysis!.args).toContainEqual({ name: 'metrics-address', value: stack.proxy.adminUrl });
  });

  test('/stats/window answers for the live traffic to the stable Service', async () => {
    // As the demo does: the steady traffic starts once the stable version answers.
    await waitUntil(async () => ((await fetch(stack.appUrl).then((r) => r.status, () => 0)) === 200 ? true : undefined), { description: 'v1 answering through the edge proxy', timeoutMs: 180_000, signal: new AbortController().signal, intervalMs: 500 });
    stack.startTraffic();
    const body = await waitUntil(async () => {
      const response = await fetch(`${stack.proxy.adminUrl}/stats/window?cluster=demo_stable_80&seconds=10&minRequests=20`);
      const json = response.status === 200 ? await response.json() as Record<string, unknown> : undefined;
      return json?.['successRate'] === 1 ? json : undefined;
    }, { description: '10 s of successful traffic to the stable Service', timeoutMs: 180_000, signal: new AbortController().signal, intervalMs: 1000 });
    expect(body).toMatchObject({ cluster: 'demo_stable_80', windowSeconds: 10 });
    expect(body['requests']).toBeGreaterThanOrEqual(20);
    expect(body['p99Ms']).toBeGreaterThan(0);
    // the judge's counts: the same counters, cumulative, at counts-address
    const counts = await (await fetch(`${stack.countsAddress}/stats/counters`)).json() as { clusters: Record<string, { requests: number; errors: number }> };
    expect(counts.clusters['demo_stable_80']!.requests).toBeGreaterThanOrEqual(Number(body['requests']));
    // (its 503s from before v1 answered count too: the counters are cumulative since the proxy started)
    expect(counts.clusters['demo_stable_80']!.errors).toBeLessThan(counts.clusters['demo_stable_80']!.requests);
  });

  test('stopping the stack leaves nothing running', async () => {
    await cleanup.runAll((l) => lines.push(l));
    const after = childPids().filter((pid) => !before.includes(pid));
    expect(after.length).toBeLessThanOrEqual(1);
  });
});
