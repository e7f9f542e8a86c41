/**
 * Issue 16: a hostile tenant against one controller that also serves another team. In namespace
 * `tenant`, dozens of hostile AnalysisRuns, AnalysisTemplates and Rollouts (regex and comprehension
 * bombs, a condition that runs long, metadata / link-local / own-port / other-namespace URLs,
 * redirects, huge and dripping responses, echoed Secrets, CEL and PromQL injection through args,
 * names at the Kubernetes limits) are created in batches WHILE the other team's Rollout in
 * namespace `good` goes through a canary with timed pauses and a Prometheus-gated analysis step.
 *
 * Asserted: each hostile run ends Error or Failed within its deadline plus a margin, with a message
 * naming the limit it hit and no secret; the refused server is never reached; the other team's
 * canary completes (step latencies printed); the controller keeps its Lease and answers /healthz
 * every time (max and p99 printed, max < 1 s as a liveness bound); and afterwards no form of the
 * secret is in any AnalysisRun status, Event, controller log line or /metrics.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { startPrometheus, waitForQuery, type PrometheusHandle } from '../harness/prometheus.js';
import { startMetricsTarget, type MetricsTarget } from '../analysis/fixtures/http-server.js';
import { applyDocs, ClusterView, setImage, type Obj } from '../controller/rollout-fixtures.js';
import { analysisStep, analysisTemplate, exampleDocs, gaugeMetric, rolloutOnly, RunReader } from '../analysis-e2e/analysis-e2e-fixtures.js';
import {
  ALLOWED_NETWORK,
  analysisRun,
  hostileRollout,
  leakedForms,
  nameOfLength,
  percentile,
  probeHealth,
  promMetric,
  startHostileServers,
  template,
  watchLease,
  watchSteps,
  webMetric,
  type HostileServers,
} from './hostile-fixtures.js';

jest.setTimeout(360_000);

const good = useTestNamespace('hostile-good');
const tenant = useTestNamespace('hostile-tenant');
const IDENTITY = 'hostile-suite-controller';
const SECRET = `hostile+sekret/${randomBytes(6).toString('hex')}=`;
const SECRET_ARG = { name: 'token', valueFrom: { secretKeyRef: { name: 'tenant-token', key: 'token' } } };
/** Added to each case's own deadline: the machine is shared and the tenant has 5 analysis workers. */
const MARGIN_MS = 30_000;

type Phase = 'Failed' | 'Error' | 'Inconclusive';

/** The longest measurement of a run (finishedAt - startedAt), 0 without measurements. */
function longestMeasurementMs(status: Obj): number {
  const measurements = ((status.metricResults ?? []) as Obj[]).flatMap((r) => (r.measurements ?? []) as Obj[]);
  const durations = measurements.map((m) => Date.parse(String(m.finishedAt)) - Date.parse(String(m.startedAt))).filter(Number.isFinite);
  return Math.max(0, ...durations);
}
interface HostileCase {
  /** The AnalysisRun's name, or the Rollout's whose step creates the run. */
  name: string;
  kind: 'run' | 'rollout';
  cls: string;
  phases: Phase[];
  message: RegExp;
  /** The longest the run may take by its own settings (timeouts, limits), before the margin. */
  deadlineMs: number;
  doc?: Obj;
}

let servers: HostileServers;
let target: MetricsTarget;
let prometheus: PrometheusHandle;
let controller: ControllerProcess;
let metricsUrl = '';
let probesUrl = '';
let goodView: ClusterView;

const FAILED = /Metric "[^"]+" assessed Failed due to failed \(1\) > failureLimit \(0\)/;
const EGRESS = /refused by the egress policy/;

function ten(): string {
  return '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]';
}
function nested(kind: string, depth: number): string {
  if (depth === 0) return kind === 'map' ? 'a1' : 'a1 > 0';
  if (kind === 'filter') return `size(${ten()}.filter(a${depth}, ${nested(kind, depth - 1)})) > 0`;
  return `${ten()}.${kind}(a${depth}, ${nested(kind, depth - 1)})`;
}

function runCase(name: string, cls: string, metric: Obj, expected: { phases: Phase[]; message: RegExp; deadlineMs?: number; args?: Obj[] }): HostileCase {
  return { name, kind: 'run', cls, phases: expected.phases, message: expected.message, deadlineMs: expected.deadlineMs ?? 5_000, doc: analysisRun(name, [metric], expected.args ?? []) };
}

function regexCases(base: string): HostileCase[] {
  const patterns: Array<[string, string]> = [
    ['nested-plus', '^(a+)+$'],
    ['alternation', '(a|aa)+$'],
    ['optional-group', '^(a|a?)+$'],
    ['star-star', '(a*)*b'],
    ['email-like', '^([a-zA-Z0-9])(([\\\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$'],
  ];
  const bombs = patterns.map(([id, pattern]) =>
    runCase(`regex-${id}`, 'regex bomb in matches (RE2 answers at once)', webMetric('m', `${base}/pattern`, { jsonPath: '{$.s}', successCondition: `result.matches("${pattern}")` }), { phases: ['Failed'], message: FAILED }),
  );
  return [
    ...bombs,
    runCase('regex-backreference', 'regex feature RE2 refuses', webMetric('m', `${base}/pattern`, { jsonPath: '{$.s}', successCondition: 'result.matches(r"(a)\\1")' }), { phases: ['Error'], message: /RE2/ }),
    runCase('regex-lookahead', 'regex feature RE2 refuses', webMetric('m', `${base}/pattern`, { jsonPath: '{$.s}', successCondition: 'result.matches("(?=a)a+!")' }), { phases: ['Error'], message: /RE2/ }),
  ];
}

function comprehensionCases(base: string): HostileCase[] {
  const budget = /exceeds the CEL cost budget/;
  const compiled = (name: string, condition: string, message = budget) =>
    runCase(name, 'comprehension bomb (refused by the cost budget)', promMetric('m', 'vector(1)', { successCondition: condition }), { phases: ['Error'], message });
  return [
    compiled('bomb-all-literal', nested('all', 7)),
    compiled('bomb-map-literal', `size(${nested('map', 7)}) > 0`),
    compiled('bomb-filter-literal', nested('filter', 7)),
    compiled('bomb-exists-literal', nested('exists', 7)),
    compiled('bomb-all-result', 'result.all(x, result.all(y, x <= y))'),
    compiled('bomb-map-result', 'size(result.map(x, result.filter(y, y > x))) > 0'),
    compiled('bomb-exists-one-result', 'result.exists_one(x, result.exists(y, result.all(z, x + y > z)))'),
    compiled('bomb-long-list', `[${new Array(1500).fill('0').join(', ')}].all(x, x == 0)`, /the limit is 4096|maxListElements|1000/),
    compiled('bomb-deep', `${'('.repeat(100)}true${')'.repeat(100)}`, /maxDepth|deep/),
    runCase('bomb-large-result', 'comprehension over a large result', webMetric('m', `${base}/big-array`, { successCondition: 'result.all(x, result.all(y, x == y))' }), { phases: ['Error'], message: budget }),
    runCase('large-result', 'large result (20,000 values)', webMetric('m', `${base}/big-array`, { successCondition: 'result.all(x, x == 0)' }), { phases: ['Error'], message: /more than 10000 values/ }),
  ];
}

/** RE2 is linear, but with a program of 3000 states over a 700,000-character result re2js needs about a minute. */
function longConditionCases(base: string): HostileCase[] {
  const limit = /ran longer than the 1s evaluation time limit \(--analysis-condition-timeout\) and was stopped/;
  return [
    runCase('long-condition-class', 'condition that runs long (wall-clock limit)', webMetric('m', `${base}/big-string`, { jsonPath: '{$.s}', successCondition: `result.matches("${'[a-z]{1000}'.repeat(3)}[^a-z]")` }), { phases: ['Error'], message: limit, deadlineMs: 10_000 }),
    runCase('long-condition-alt', 'condition that runs long (wall-clock limit)', webMetric('m', `${base}/big-string`, { jsonPath: '{$.s}', successCondition: `result.matches("${'(?:[a-z]|[a-y]){1000}'.repeat(3)}[^a-z]")` }), { phases: ['Error'], message: limit, deadlineMs: 10_000 }),
  ];
}

function egressCases(ownPort: number, probePort: number, denied: string, goodNs: string): HostileCase[] {
  const refused = (name: string, cls: string, url: string, message: RegExp) =>
    runCase(name, cls, webMetric('m', url, { successCondition: 'true' }), { phases: ['Error'], message });
  const linkLocal = /169\.254\.0\.0\/16 \(link-local \/ cloud metadata\), denied by default/;
  return [
    refused('metadata-aws', 'metadata / link-local URL', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', linkLocal),
    refused('metadata-decimal', 'metadata / link-local URL', 'http://2852039166/latest/meta-data/', linkLocal),
    refused('metadata-mapped-v6', 'metadata / link-local URL', 'http://[::ffff:169.254.169.254]/latest/meta-data/', linkLocal),
    refused('link-local-v6', 'metadata / link-local URL', 'http://[fe80::1]/', /fe80::\/10 \(link-local/),
    refused('metadata-aws-v6', 'metadata / link-local URL', 'http://[fd00:ec2::254]/latest/meta-data/', /fd00:ec2::254\/128 \(link-local/),
    refused('metadata-alibaba', 'metadata / link-local URL', 'http://100.100.100.200/latest/meta-data/', /100\.100\.100\.200\/32 \(link-local/),
    refused('metadata-gcp-name', 'metadata / link-local URL', 'http://metadata.google.internal/computeMetadata/v1/', /"metadata\.google\.internal" is a cloud metadata name/),
    refused('own-metrics', "the controller's own ports", `http://127.0.0.1:${ownPort}/metrics`, /port \d+ is one of the controller's own listeners/),
    refused('own-healthz-by-name', "the controller's own ports", `http://localhost:${probePort}/healthz`, /port \d+ is one of the controller's own listeners/),
    refused('own-unspecified', "the controller's own ports", `http://0.0.0.0:${ownPort}/metrics`, /port \d+ is one of the controller's own listeners/),
    runCase('own-as-prometheus', "the controller's own ports", promMetric('m', 'up', { address: `http://127.0.0.1:${ownPort}`, successCondition: 'true' }), { phases: ['Error'], message: /one of the controller's own listeners/ }),
    refused('other-ns-service', "another namespace's Service", `http://demo-stable.${goodNs}.svc/`, /is a Service of namespace .*may reach only its own namespace's Services/),
    refused('other-ns-service-fqdn', "another namespace's Service", `http://demo-canary.${goodNs}.svc.cluster.local:80/`, /is a Service of namespace .*may reach only its own namespace's Services/),
    refused('loopback-not-allowed', 'loopback server the operator did not allow', `${denied}/steal`, /is not an allowed destination/),
  ].map((c) => ({ ...c, message: new RegExp(`${EGRESS.source}.*${c.message.source}`) }));
}

function responseCases(base: string): HostileCase[] {
  const tooLarge = /larger than the 1 MiB limit \(--analysis-max-response-bytes\); it was cut off/;
  const redirect = /answered HTTP 30\d \(a redirect to http:\/\/[^)]+\); redirects are not followed/;
  return [
    runCase('redirect-metadata', 'redirect to a metadata address', webMetric('m', `${base}/redirect-metadata`), { phases: ['Error'], message: redirect }),
    runCase('redirect-denied', 'redirect to a refused server', webMetric('m', `${base}/redirect-denied`, { method: 'POST', body: '{}' }), { phases: ['Error'], message: redirect }),
    runCase('huge-chunked', 'huge response (5 MiB)', webMetric('m', `${base}/huge`), { phases: ['Error'], message: tooLarge }),
    runCase('huge-length', 'huge response (5 MiB)', webMetric('m', `${base}/huge-length`), { phases: ['Error'], message: tooLarge }),
    runCase('huge-gzip-bomb', 'huge response (5 MiB)', webMetric('m', `${base}/gzip-bomb`), { phases: ['Error'], message: tooLarge }),
    runCase('huge-prometheus', 'huge response (5 MiB)', promMetric('m', 'up', { address: `${base}/huge`, successCondition: 'true' }), { phases: ['Error'], message: tooLarge }),
    runCase('drip-body', 'slowly dripping response', webMetric('m', `${base}/drip`), { phases: ['Error'], message: /did not finish its response within 3s/, deadlineMs: 6_000 }),
    runCase('drip-no-headers', 'slowly dripping response', webMetric('m', `${base}/no-headers`), { phases: ['Error'], message: /did not answer within 3s \(timeout\)/, deadlineMs: 6_000 }),
    runCase('drip-prometheus', 'slowly dripping response', promMetric('m', 'up', { address: `${base}/drip`, successCondition: 'true' }), { phases: ['Error'], message: /did not finish its response within 3s/, deadlineMs: 6_000 }),
  ];
}

function secretCases(base: string): HostileCase[] {
  const headers = [{ key: 'Authorization', value: 'Bearer {{args.token}}' }, { key: 'X-Api-Key', value: '{{args.token}}' }];
  const echo = (name: string, path: string, shape: Obj, phases: Phase[], message: RegExp) =>
    runCase(name, 'echo of the request (Secret-backed header)', webMetric('m', `${base}${path}?t={{args.token}}`, { headers, method: 'POST', body: '{"t":"{{args.token}}"}', ...shape }), { phases, message, args: [SECRET_ARG] });
  return [
    echo('echo-header', '/echo', { jsonPath: '{$.headers.authorization}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('echo-url', '/echo', { jsonPath: '{$.url}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('echo-body', '/echo', { jsonPath: '{$.body}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('echo-whole', '/echo', { successCondition: 'result.headers["x-api-key"] == "nothing"' }, ['Failed'], FAILED),
    echo('echo-error', '/echo-500', { successCondition: 'true' }, ['Error'], /returned HTTP 500: internal error/),
    echo('echo-base64', '/echo-encoded', { jsonPath: '{$.b64}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('echo-urlencoded', '/echo-encoded', { jsonPath: '{$.url}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('echo-hex', '/echo-encoded', { jsonPath: '{$.hex}', successCondition: 'result == "nothing"' }, ['Failed'], FAILED),
    echo('secret-in-condition', '/echo', { jsonPath: '{$.body}', successCondition: 'result == "{{args.token}}"' }, ['Error'], /comes from a Secret and cannot be used in a condition/),
  ];
}

function injectionCases(base: string): HostileCase[] {
  return [
    runCase('inject-cel-or-true', 'CEL injection through args', promMetric('m', 'vector(0.1)', { successCondition: 'result[0] >= {{args.min}}' }), {
      phases: ['Error'], message: /failed to evaluate/, args: [{ name: 'min', value: '0.0 || true' }],
    }),
    runCase('inject-cel-string', 'CEL injection through args', webMetric('m', `${base}/pattern`, { jsonPath: '{$.s}', successCondition: 'result == "{{args.want}}"' }), {
      phases: ['Failed'], message: FAILED, args: [{ name: 'want', value: 'x" || true || "' }],
    }),
    runCase('inject-promql-string', 'PromQL injection through args', promMetric('m', 'kanary_test_value{series="{{args.series}}"}', { successCondition: 'true' }), {
      phases: ['Error'], message: /query returned no data/, args: [{ name: 'series', value: 'a"} or vector(1) or x{b="' }],
    }),
    runCase('inject-promql-range', 'PromQL injection through args', promMetric('m', 'sum(rate(kanary_test_value[{{args.window}}]))', { successCondition: 'true' }), {
      phases: ['Error'], message: /argument "window"/, args: [{ name: 'window', value: '5m])) or vector(1' }],
    }),
  ];
}

function limitNameCases(denied: string): HostileCase[] {
  const name63 = nameOfLength('n63-', 63);
  return [
    runCase(name63, 'names at the Kubernetes limits', { ...webMetric(nameOfLength('metric-', 63), `${denied}/x`), name: nameOfLength('metric-', 63) }, {
      phases: ['Error'], message: /is not an allowed destination/, args: [{ name: nameOfLength('arg-', 63), value: 'v' }],
    }),
  ];
}

/** Tenant Rollouts whose step analysis passes hostile args; created at v1, updated during the good canary. */
function rolloutCases(base: string): { templates: Obj[]; rollouts: HostileCase[] } {
  const thresholdTpl = nameOfLength('threshold-', 63);
  const templates = [
    template(thresholdTpl, [promMetric('m', 'vector(0.1)', { successCondition: 'result[0] >= {{args.min}}' })], [{ name: 'min' }]),
    template('echo-secret', [webMetric('m', `${base}/echo`, { headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }], jsonPath: '{$.headers.authorization}', successCondition: 'result == "{{args.who}}"' })], [SECRET_ARG, { name: 'who' }]),
    template('promql', [promMetric('m', 'kanary_test_value{series="{{args.series}}"}', { successCondition: 'true' })], [{ name: 'series' }]),
    template('fetch-host', [webMetric('m', 'http://{{args.host}}/latest/meta-data/', { successCondition: 'true' })], [{ name: 'host' }]),
  ];
  const rollout = (name: string, cls: string, tpl: string, args: Obj[], phases: Phase[], message: RegExp): HostileCase =>
    ({ name, kind: 'rollout', cls, phases, message, deadlineMs: 10_000, doc: hostileRollout(name, 'kanary/demo-app:v1', tpl, args) });
  return {
    templates,
    rollouts: [
      rollout(nameOfLength('r63-', 63), 'names at the Kubernetes limits + CEL injection via Rollout args', thresholdTpl, [{ name: 'min', value: '0.0 || true' }], ['Error'], /failed to evaluate/),
      rollout('inject-string', 'CEL injection via Rollout args', 'echo-secret', [{ name: 'who', value: '" || true || "' }], ['Failed'], FAILED),
      rollout('inject-promql', 'PromQL injection via Rollout args', 'promql', [{ name: 'series', value: 'a"} or vector(1) or x{b="' }], ['Error'], /query returned no data/),
      rollout('metadata-by-arg', 'metadata URL via Rollout args', 'fetch-host', [{ name: 'host', value: '169.254.169.254' }], ['Error'], /refused by the egress policy.*169\.254\.0\.0\/16/),
    ],
  };
}

const GOOD_TEMPLATE = analysisTemplate('healthy', [gaugeMetric({ count: 3, successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.05' })]);
const GOOD_STEPS = [{ setWeight: 25 }, { pause: { duration: '6s' } }, analysisStep(['healthy'], 'ok'), { setWeight: 50 }, { pause: { duration: '6s' } }, { setWeight: 75 }, { pause: { duration: '4s' } }];

async function waitHealthy(view: ClusterView, name: string, timeoutMs = 120_000): Promise<Obj> {
  return waitFor(async () => {
    const s = ((await view.rollout(name)).status ?? {}) as Obj;
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash ? s : undefined;
  }, { timeoutMs, description: `${name} Healthy`, intervalMs: 250 });
}

let tenantRollouts: HostileCase[] = [];
let tenantTemplates: Obj[] = [];

beforeAll(async () => {
  servers = await startHostileServers();
  target = await startMetricsTarget();
  target.set('ok', 0.01);
  prometheus = await startPrometheus({ targets: [target.hostPort] });
  controller = startController({
    namespace: `${good.name},${tenant.name}`,
    identity: IDENTITY,
    leaseNamespace: good.name,
    egressAllow: ALLOWED_NETWORK,
    flags: ['--mapping-propagation-delay', '1s', '--prometheus-address', prometheus.address],
  });
  await waitForQuery(prometheus.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === 1);
  metricsUrl = await controller.metricsUrl();
  probesUrl = await controller.probesUrl();
  goodView = new ClusterView(good.kc, good.name);
  await kubectl(['create', 'secret', 'generic', 'tenant-token', '-n', tenant.name, `--from-literal=token=${SECRET}`]);
  const built = rolloutCases(servers.allowed);
  tenantTemplates = built.templates;
  tenantRollouts = built.rollouts;
  await applyDocs(tenant.name, [...tenantTemplates, ...tenantRollouts.map((c) => c.doc as Obj)]);
  await applyDocs(good.name, [GOOD_TEMPLATE, ...exampleDocs({ image: 'kanary/demo-app:v1', steps: GOOD_STEPS })]);
  const tenantView = new ClusterView(tenant.kc, tenant.name);
  await Promise.all([waitHealthy(goodView, 'demo'), ...tenantRollouts.map((c) => waitHealthy(tenantView, c.name))]);
}, 240_000);

afterAll(async () => {
  await controller?.stop();
  await prometheus?.stop();
  await target?.close();
  await servers?.close();
});

function isComplete(run: Obj | undefined): boolean {
  return ['Successful', 'Failed', 'Error', 'Inconclusive'].includes(String(run?.status?.phase));
}

/** The run of a case: by name, or the Rollout's own run (ownerReference). */
function runOf(c: HostileCase, runs: Obj[]): Obj | undefined {
  if (c.kind === 'run') return runs.find((r) => r.metadata?.name === c.name);
  return runs.find((r) => (r.metadata?.ownerReferences ?? []).some((o: Obj) => o.kind === 'Rollout' && o.name === c.name));
}

interface Outcome {
  c: HostileCase;
  createdMs: number;
  completedMs?: number;
  run?: Obj;
}

async function createBatch(cases: HostileCase[], outcomes: Outcome[], during: string[]): Promise<void> {
  const createdMs = Date.now();
  const s = ((await goodView.rollout()).status ?? {}) as Obj;
  during.push(`step ${String(s.currentStepIndex)} ${String(s.phase)} stable=${String(s.stableRS)} current=${String(s.currentPodHash)}`);
  const runs = cases.filter((c) => c.kind === 'run');
  if (runs.length > 0) await applyDocs(tenant.name, runs.map((c) => c.doc as Obj));
  for (const c of cases.filter((x) => x.kind === 'rollout')) await setImage(tenant.name, 'kanary/demo-app:v2', c.name);
  outcomes.push(...cases.map((c) => ({ c, createdMs })));
}

async function waitForOutcomes(outcomes: Outcome[], reader: RunReader): Promise<void> {
  await waitFor(async () => {
    const runs = await reader.list();
    for (const o of outcomes) {
      if (o.completedMs !== undefined) continue;
      const run = runOf(o.c, runs);
      if (isComplete(run)) {
        o.completedMs = Date.now();
        o.run = run;
      }
    }
    return outcomes.every((o) => o.completedMs !== undefined);
  }, { timeoutMs: 180_000, intervalMs: 500, description: 'every hostile run complete' }).catch((error: Error) => {
    const pending = outcomes.filter((o) => o.completedMs === undefined).map((o) => o.c.name);
    throw new Error(`${error.message}; still running: ${pending.join(', ')}`);
  });
}

function stepLatencies(entries: Array<[number, number]>): string[] {
  const lines: string[] = [];
  const first = entries.findIndex(([step]) => step === 0);
  for (let i = Math.max(first, 0); i + 1 < entries.length; i += 1) {
    const [step, at] = entries[i] as [number, number];
    const next = entries[i + 1] as [number, number];
    const spec = GOOD_STEPS[step];
    lines.push(`step ${step} ${JSON.stringify(spec ?? 'done')}: ${next[1] - at} ms`);
  }
  return lines;
}

async function everythingWritten(): Promise<string> {
  const parts: string[] = [];
  for (const ns of [good.name, tenant.name]) {
    const runs = await new RunReader(good.kc, ns).list();
    parts.push(JSON.stringify(runs.map((r) => r.status ?? {})));
    parts.push((await kubectl(['get', 'events', '-n', ns, '-o', 'json'])).stdout);
  }
  parts.push(controller.logs.join('\n'));
  parts.push(await (await fetch(`${metricsUrl}/metrics`)).text());
  return parts.join('\n');
}

test('hostile tenant: every hostile run ends bounded and named, the other team promotes, the controller stays live and leaks no secret', async () => {
  const ownPort = Number(new URL(metricsUrl).port);
  const probePort = Number(new URL(probesUrl).port);
  const base = servers.allowed;
  const batches: HostileCase[][] = [
    [...regexCases(base), ...comprehensionCases(base)],
    [...longConditionCases(base), ...egressCases(ownPort, probePort, servers.denied, good.name)],
    [...responseCases(base), ...limitNameCases(servers.denied), ...tenantRollouts],
    [...secretCases(base), ...injectionCases(base)],
  ];
  const all = batches.flat();
  expect(all.length).toBeGreaterThanOrEqual(40);
  expect(new Set(all.map((c) => c.name)).size).toBe(all.length);

  const health = probeHealth(probesUrl);
  const lease = watchLease(good.kc, good.name, 'kanary-controller', IDENTITY);
  const steps = watchSteps(goodView);
  const outcomes: Outcome[] = [];
  const during: string[] = [];
  try {
    await applyDocs(good.name, rolloutOnly({ image: 'kanary/demo-app:v2', steps: GOOD_STEPS }));
    const started = await waitFor(async () => {
      const s = ((await goodView.rollout()).status ?? {}) as Obj;
      return s.currentPodHash !== s.stableRS && typeof s.currentPodHash === 'string' ? s : undefined;
    }, { timeoutMs: 30_000, description: 'the other team starts its canary' });
    for (const batch of batches) await createBatch(batch, outcomes, during);
    const reader = new RunReader(tenant.kc, tenant.name);
    const [healthy] = await Promise.all([waitHealthy(goodView, 'demo', 180_000), waitForOutcomes(outcomes, reader)]);
    expect(healthy.stableRS).toBe(started.currentPodHash);
  } finally {
    await Promise.all([health.stop(), lease.stop(), steps.stop()]);
  }

  // The other team's canary ran while every batch was created, and completed.
  console.log(`other team's Rollout when each hostile batch was created:\n${during.join('\n')}`);
  for (const line of during) expect(line).toMatch(/^step \d+ \S+ stable=(\S+) current=(?!\1\b)\S+$/);
  console.log(`other team's step latency (entering a step -> completing it):\n${stepLatencies(steps.entries).join('\n')}`);

  // Each hostile object: its outcome, its message naming the limit, within its deadline, no secret.
  const report: string[] = [];
  const problems: string[] = [];
  for (const o of outcomes) {
    const status = (o.run?.status ?? {}) as Obj;
    const elapsedMs = (o.completedMs ?? 0) - o.createdMs;
    const message = String(status.message);
    report.push(`${o.c.cls} | ${o.c.name.slice(0, 40)}: ${String(status.phase)} in ${elapsedMs} ms (longest measurement ${longestMeasurementMs(status)} ms): ${message.slice(0, 220)}`);
    if (!o.c.phases.includes(status.phase as Phase)) problems.push(`${o.c.name}: phase ${String(status.phase)}, expected ${o.c.phases.join(' or ')}`);
    if (!o.c.message.test(message)) problems.push(`${o.c.name}: message ${JSON.stringify(message)} does not match ${String(o.c.message)}`);
    if (elapsedMs > o.c.deadlineMs + MARGIN_MS) problems.push(`${o.c.name}: took ${elapsedMs} ms, deadline ${o.c.deadlineMs} ms + margin ${MARGIN_MS} ms`);
    // Each measurement itself (provider call and condition) ends within the deadline plus 1 s; the
    // margin above covers only the wait for a worker of the tenant's share.
    const longest = longestMeasurementMs(status);
    if (longest > o.c.deadlineMs + 1_000) problems.push(`${o.c.name}: a measurement took ${longest} ms, deadline ${o.c.deadlineMs} ms + 1 s`);
    const leaked = leakedForms(JSON.stringify(status), SECRET);
    if (leaked.length > 0) problems.push(`${o.c.name}: status holds the secret as ${leaked.join(', ')}`);
  }
  console.log(`hostile outcomes (${outcomes.length}):\n${report.join('\n')}`);
  expect(problems).toEqual([]);

  // Hostile Rollouts were aborted, not promoted.
  const tenantView = new ClusterView(tenant.kc, tenant.name);
  for (const c of tenantRollouts) {
    const s = await waitFor(async () => {
      const status = ((await tenantView.rollout(c.name)).status ?? {}) as Obj;
      return status.phase === 'Degraded' ? status : undefined;
    }, { timeoutMs: 60_000, description: `${c.name} aborted` });
    expect(s.abort).toBe(true);
    expect(s.stableRS).not.toBe(s.currentPodHash);
  }

  // The secret really went out (so the redaction checks can fail), and the refused server saw nothing.
  expect(servers.echoed().some((seen) => seen.includes(SECRET))).toBe(true);
  expect(servers.deniedHits()).toBe(0);

  // Liveness: /healthz every 100 ms, the Lease held throughout.
  const latencies = health.latenciesMs;
  const max = Math.max(...latencies);
  console.log(`/healthz: ${latencies.length} probes, max ${max.toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, p50 ${percentile(latencies, 50).toFixed(1)} ms`);
  console.log(`Lease: ${lease.observations()} reads, ${lease.renewals()} distinct renewTimes, foreign holders: ${lease.foreign.length}`);
  expect(latencies.length).toBeGreaterThan(100);
  expect(health.failures).toEqual([]);
  expect(max).toBeLessThan(1000);
  expect(lease.foreign).toEqual([]);
  expect(lease.observations()).toBeGreaterThan(20);
  expect(lease.renewals()).toBeGreaterThan(1);
  expect(controller.logs.filter((l) => l.includes('stopped leading'))).toEqual([]);
  expect(controller.exited()).toBe(false);

  // Nothing the controller wrote or printed holds the secret, in any form.
  const written = await everythingWritten();
  expect(written).toContain('echo-header');
  expect(leakedForms(written, SECRET)).toEqual([]);
});
