/**
 * Pieces of the judge's end-to-end test: a test-controlled target exposing request and error
 * COUNTERS per arm (`kanary_test_requests_total{series,role}`, `kanary_test_errors_total{series,role}`)
 * that grow on a timer at the error rates the test sets, a REAL Prometheus scraping it every
 * second and the REAL controller pointed at that Prometheus. `stop()` ends every process started.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Counter, Registry } from 'prom-client';
import { testKubeconfigPath, type TestNamespace } from '../harness/cluster.js';
import { startController } from '../harness/controller-process.js';
import { startPrometheus, waitForQuery } from '../harness/prometheus.js';
import { sendJson, startServer, type LocalServer } from '../analysis/fixtures/http-server.js';
import type { Obj } from '../controller/rollout-fixtures.js';
import { applyDocs, ClusterView } from '../controller/rollout-fixtures.js';
import { exampleDocs, RunReader, waitForStatus, type AnalysisStack } from './analysis-e2e-fixtures.js';

export type Role = 'canary' | 'stable';

export interface CounterTarget extends LocalServer {
  /** Error rates per arm for one series; traffic is 100 requests per second per arm. */
  setRates(series: string, rates: Record<Role, number>): void;
}

/** The same counters as JSON for the web provider: `{"<series>": {"canary": {"requests", "errors"}, "stable": {...}}}`. */
export const COUNTERS_JSON_PATH = '/counters';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

function countersJson(metrics: MetricsJson): Record<string, Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, Record<string, number>>> = {};
  for (const metric of metrics) {
    const kind = metric.name === 'kanary_test_requests_total' ? 'requests' : metric.name === 'kanary_test_errors_total' ? 'errors' : undefined;
    if (kind === undefined) continue;
    for (const { labels, value } of metric.values) {
      const arms = (out[String(labels.series)] ??= {});
      (arms[String(labels.role)] ??= {})[kind] = value;
    }
  }
  return out;
}

const TICK_MS = 100;
const REQUESTS_PER_TICK = 10;

/** Deterministic traffic: errors are requests × rate, the fractions carried over between ticks. */
export async function startCounterTarget(): Promise<CounterTarget> {
  const registry = new Registry();
  const requests = new Counter({ name: 'kanary_test_requests_total', help: 'requests', labelNames: ['series', 'role'], registers: [registry] });
  const errors = new Counter({ name: 'kanary_test_errors_total', help: 'errors', labelNames: ['series', 'role'], registers: [registry] });
  const rates = new Map<string, Record<Role, number>>();
  const carry = new Map<string, number>();
  const tick = () => {
    for (const [series, byRole] of rates) {
      for (const role of ['canary', 'stable'] as const) {
        const key = `${series}/${role}`;
        const due = (carry.get(key) ?? 0) + REQUESTS_PER_TICK * byRole[role];
        const whole = Math.floor(due);
        carry.set(key, due - whole);
        requests.inc({ series, role }, REQUESTS_PER_TICK);
        errors.inc({ series, role }, whole);
      }
    }
  };
  const timer = setInterval(tick, TICK_MS);
  const server = await startServer(async (req, res) => {
    if (req.url === COUNTERS_JSON_PATH) return sendJson(res, 200, countersJson(await registry.getMetricsAsJSON()));
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  return {
    ...server,
    setRates: (series, byRole) => {
      rates.set(series, byRole);
      for (const role of ['canary', 'stable'] as const) {
        requests.inc({ series, role }, 0);
        errors.inc({ series, role }, 0);
      }
    },
    close: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}

export interface JudgeStack extends Omit<AnalysisStack, 'target'> {
  target: CounterTarget;
  /** Kills the controller (SIGKILL, a crash) and starts a fresh one; `controller` is the new one. */
  crashAndRestartController(downMs: number): Promise<void>;
}

export async function startJudgeStack(ns: TestNamespace, series: Record<string, Record<Role, number>>): Promise<JudgeStack> {
  const target = await startCounterTarget();
  for (const [name, rates] of Object.entries(series)) target.setRates(name, rates);
  const prometheus = await startPrometheus({ targets: [target.hostPort] });
  const start = () => startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s', '--prometheus-address', prometheus.address] });
  let controller = start();
  const stop = async () => {
    await controller.stop();
    await prometheus.stop();
    await target.close();
  };
  try {
    const expected = Object.keys(series).length * 2;
    await waitForQuery(prometheus.address, 'kanary_test_errors_total', (r) => Array.isArray(r) && r.length === expected);
    await controller.metricsUrl();
  } catch (error) {
    await stop();
    throw error;
  }
  const stack: JudgeStack = {
    target,
    prometheus,
    controller,
    view: new ClusterView(ns.kc, ns.name),
    runs: new RunReader(ns.kc, ns.name),
    stop,
    crashAndRestartController: async (downMs) => {
      await controller.kill();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      controller = start();
      stack.controller = controller;
      await controller.metricsUrl();
    },
  };
  return stack;
}

const count = (kind: 'requests' | 'errors', role: Role) => `kanary_test_${kind}_total{series="{{args.series}}",role="${role}"}`;

/** A template with one judged metric: `provider`, and the four counts it reads them by. */
function judgedTemplate(name: string, provider: Obj, counts: (role: Role, kind: 'requests' | 'errors') => string, judge: Obj, metric: Obj): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      args: [{ name: 'series' }],
      metrics: [{
        name: 'errors-vs-stable',
        interval: '1s',
        count: 60,
        provider,
        judge: {
          ...judge,
          counts: { canaryRequests: counts('canary', 'requests'), canaryErrors: counts('canary', 'errors'), baselineRequests: counts('stable', 'requests'), baselineErrors: counts('stable', 'errors') },
        },
        ...metric,
      }],
    },
  };
}

/** A template with one judged metric over the counters (four queries, cumulative counters). */
export function judgeTemplate(name: string, judge: Obj, metric: Obj = {}): Obj {
  return judgedTemplate(name, { prometheus: {} }, (role, kind) => count(kind, role), judge, metric);
}

/** The same judged metric reading the counters' JSON through the web provider (a jsonPath per count). */
export function judgeWebTemplate(name: string, countersUrl: string, judge: Obj, metric: Obj = {}): Obj {
  return judgedTemplate(name, { web: { url: countersUrl, timeoutSeconds: 5 } }, (role, kind) => `$['{{args.series}}'].${role}.${kind}`, judge, metric);
}

/** Applies the templates and the example at v1 (no steps); waits for Healthy; returns the stable hash. */
export async function deployStableRevision(stack: JudgeStack, namespace: string, templates: Obj[]): Promise<string> {
  await applyDocs(namespace, templates);
  await applyDocs(namespace, exampleDocs({ image: 'kanary/demo-app:v1', steps: [] }));
  const status = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.availableReplicas === 2, 'first revision Healthy', 60_000);
  return status.stableRS as string;
}

/** `kanary get rollout demo` in `namespace`, as a person reads it (rejects when the CLI fails). */
export async function getRolloutText(namespace: string): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['bin/kanary.js', 'get', 'rollout', 'demo', '-n', namespace], { env: { ...process.env, KUBECONFIG: testKubeconfigPath() } });
  return stdout;
}
