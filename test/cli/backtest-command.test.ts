// `kanary backtest` against a real Prometheus serving a backfilled history with a known incident
// (fixtures/backtest-history.ts): the threshold and judge templates catch the incident inside its
// window with the values PromQL gives at those instants, a healthy window passes, and each kind of
// bad input is exit 2 with its message (a window without data is never a pass).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { findFreePort } from '../harness/prometheus.js';
import { queryAt, startHistory, type History } from './fixtures/backtest-history.js';

const ERROR_RATE = 'test/cli/fixtures/backtest/error-rate.yaml';
const JUDGE = 'test/cli/fixtures/backtest/judge-errors.yaml';
const MINUTE_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function backtest(...argv: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; }, env: {}, isTty: false };
  const code = await runCli(['backtest', ...argv], io);
  return { code, stdout, stderr };
}

interface JsonMeasurement { time: string; run: number; metric: string; phase: string; value?: string; message?: string; judge?: { interval: string } }
interface JsonWindow { outcome: string; decidedAt?: string; message?: string; measurements: JsonMeasurement[]; runs: { phase: string }[] }

const windowsOf = (out: Outcome) => (JSON.parse(out.stdout) as { windows: JsonWindow[] }).windows;

let history: History;
let scratch: string;

beforeAll(async () => {
  history = await startHistory();
  scratch = await mkdtemp(join(tmpdir(), 'kanary-backtest-templates-'));
}, 60_000);

afterAll(async () => {
  await history?.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** Exit 1, one window, failed at an instant inside the incident. */
function expectFailedInIncident(out: Outcome): JsonWindow {
  expect(out.code).toBe(1);
  const report = windowsOf(out)[0]!;
  expect(report.outcome).toBe('failed');
  const failedAt = Date.parse(report.decidedAt!);
  expect(failedAt).toBeGreaterThan(history.incidentStartMs);
  expect(failedAt).toBeLessThanOrEqual(history.incidentEndMs);
  return report;
}

const window = (fromMs: number, toMs: number) => ['--from', iso(fromMs), '--to', iso(toMs)];
const incidentWindow = () => window(history.incidentStartMs - 60 * MINUTE_MS, history.incidentEndMs + 30 * MINUTE_MS);

test('the history is loaded: Prometheus answers at a past instant', async () => {
  const at = history.incidentStartMs + 10 * MINUTE_MS;
  expect(await queryAt(history.prometheus.address, 'sum(app_requests_total)', at)).toHaveLength(1);
});

test('a threshold template fails inside the incident window, with the values PromQL gives at each instant', async () => {
  const out = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...incidentWindow(), '--arg', 'role=canary', '-o', 'json');
  const report = expectFailedInIncident(out);
  expect(report.message).toContain('failed (2) > failureLimit (1)');
  expect(report.measurements.at(-1)!.time).toBe(report.decidedAt);
  expect(report.runs.length).toBeGreaterThan(5);
  const query = 'sum(rate(app_errors_total{role="canary"}[1m])) / sum(rate(app_requests_total{role="canary"}[1m]))';
  for (const m of report.measurements.slice(-8)) {
    const direct = await queryAt(history.prometheus.address, query, Date.parse(m.time));
    expect(JSON.parse(m.value!)).toEqual(direct);
    expect(m.phase).toBe(direct[0]! <= 0.05 ? 'Successful' : 'Failed');
  }
  const text = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...incidentWindow(), '--arg', 'role=canary');
  expect(text.stdout).toContain(`FAILED at ${report.decidedAt!.replace('.000Z', 'Z')}`);
  expect(text.stdout).toMatch(/error-rate {2}0\.2 {2}Failed/);
  expect(text.stdout).toMatch(/error-rate {2}0\.01 {2}Successful/);
  expect(text.stdout).toContain('verdict: would have failed: window 1 at');
}, 60_000);

test('the same template passes a healthy window (exit 0) and the stable arm through the incident', async () => {
  const healthy = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...window(history.startMs + 10 * MINUTE_MS, history.incidentStartMs), '--arg', 'role=canary');
  expect(healthy.stdout).toContain('passed:');
  expect(healthy.stdout).toContain('verdict: would have passed throughout (1 window)');
  expect(healthy.code).toBe(0);
  const stable = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...incidentWindow(), '--arg', 'role=stable');
  expect(stable.code).toBe(0);
}, 60_000);

test('release times: the release inside the incident is stopped, the one before it is not', async () => {
  const before = history.incidentStartMs - 90 * MINUTE_MS;
  const during = history.incidentStartMs + 5 * MINUTE_MS;
  const out = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, '--at', iso(before), '--at', iso(during), '--length', '30m', '--arg', 'role=canary', '-o', 'json');
  expect(out.code).toBe(1);
  const [first, second] = windowsOf(out);
  expect(first!.outcome).toBe('passed');
  expect(first!.measurements).toHaveLength(5);
  expect(first!.runs).toHaveLength(1);
  expect(second!.outcome).toBe('failed');
  expect(Date.parse(second!.decidedAt!)).toBe(during + MINUTE_MS);
}, 60_000);

test('the judge template catches the incident too, with its evidence on each measurement', async () => {
  const out = await backtest('-f', JUDGE, '--prometheus', history.prometheus.address, ...incidentWindow(), '-o', 'json');
  const report = expectFailedInIncident(out);
  expect(report.message).toContain('judge');
  expect(report.measurements[0]!.judge!.interval).toBe('firstScrape');
  const judgedBefore = report.measurements.filter((m) => Date.parse(m.time) <= history.incidentStartMs && m.judge?.interval === 'judged');
  expect(judgedBefore.length).toBeGreaterThan(50);
  expect(judgedBefore.every((m) => m.phase === 'Successful')).toBe(true);
  expect(report.measurements.at(-1)!.phase).toBe('Failed');
}, 60_000);

async function template(name: string, text: string): Promise<string> {
  const file = join(scratch, name);
  await writeFile(file, text);
  return file;
}

test.each([
  ['a template that does not parse', 'broken.yaml', 'apiVersion: kanary.dev/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: x\n', 'malformed YAML'],
  ['a template that fails validation', 'invalid.yaml', 'apiVersion: kanary.dev/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: x}\nspec:\n  metrics:\n    - name: m\n      interval: 60\n      provider: {prometheus: {query: "vector(1)"}}\n', 'spec.metrics[0].interval'],
  ['a file without a template', 'service.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n', 'holds no kanary.dev/v1alpha1 AnalysisTemplate'],
])('%s: exit 2 with the problem', async (_case, name, text, message) => {
  const out = await backtest('-f', await template(name, text), '--prometheus', history.prometheus.address, ...incidentWindow());
  expect(out.code).toBe(2);
  expect(out.stderr).toContain(message);
});

test('an arg that is not given, and one from a Secret: exit 2 naming it', async () => {
  const missing = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...incidentWindow());
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('arg "role" (AnalysisTemplate "error-rate") has no value: pass it with --arg role=VALUE');
  const secret = await template('secret.yaml', [
    'apiVersion: kanary.dev/v1alpha1', 'kind: AnalysisTemplate', 'metadata: {name: s}', 'spec:',
    '  args: [{name: token, valueFrom: {secretKeyRef: {name: prom-auth, key: token}}}]',
    '  metrics:', '    - name: m', '      provider:', '        prometheus:', '          query: vector(1)',
    '          headers: [{key: Authorization, value: "Bearer {{args.token}}"}]', '',
  ].join('\n'));
  const unread = await backtest('-f', secret, '--prometheus', history.prometheus.address, ...incidentWindow());
  expect(unread.code).toBe(2);
  expect(unread.stderr).toContain('reads Secret prom-auth, key token, which backtest cannot read offline: pass its value with --arg token=VALUE');
  const given = await backtest('-f', secret, '--prometheus', history.prometheus.address, ...incidentWindow(), '--arg', 'token=s3cr3t-value');
  expect(given.code).toBe(0);
  expect(given.stdout + given.stderr).not.toContain('s3cr3t-value');
  const undeclared = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...incidentWindow(), '--arg', 'role=canary', '--arg', 'rol=x');
  expect(undeclared.code).toBe(2);
  expect(undeclared.stderr).toContain('--arg rol: the template declares no arg "rol"');
}, 60_000);

test('--from after --to, and a window in the future: exit 2', async () => {
  const reversed = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...window(history.incidentEndMs, history.incidentStartMs), '--arg', 'role=canary');
  expect(reversed.code).toBe(2);
  expect(reversed.stderr).toMatch(/--from .* is not before --to/);
  const future = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, '--from', 'now-1h', '--to', iso(Date.now() + 3_600_000), '--arg', 'role=canary');
  expect(future.code).toBe(2);
  expect(future.stderr).toContain('in the future');
});

test('a window with no data is reported as such, exit 2, never a pass', async () => {
  const out = await backtest('-f', ERROR_RATE, '--prometheus', history.prometheus.address, ...window(history.startMs - 5 * 3_600_000, history.startMs - 4 * 3_600_000), '--arg', 'role=canary');
  expect(out.code).toBe(2);
  expect(out.stdout).toContain('NO DATA (not a pass)');
  expect(out.stdout).not.toContain('passed');
  expect(out.stderr).toContain('no data');
  const judge = await backtest('-f', JUDGE, '--prometheus', history.prometheus.address, ...window(history.startMs - 5 * 3_600_000, history.startMs - 4 * 3_600_000));
  expect(judge.code).toBe(2);
  expect(judge.stderr).toContain('no data in the window for metric "errors-vs-stable"');
}, 60_000);

test('a query Prometheus rejects: exit 2 with Prometheus\'s reason', async () => {
  const file = await template('bad-query.yaml', 'apiVersion: kanary.dev/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: q}\nspec:\n  metrics:\n    - name: broken\n      interval: 1m\n      count: 3\n      successCondition: result[0] < 1\n      provider: {prometheus: {query: "sum(rate(app_errors_total[1m])"}}\n');
  const out = await backtest('-f', file, '--prometheus', history.prometheus.address, ...incidentWindow());
  expect(out.code).toBe(2);
  expect(out.stderr).toContain('metric "broken"');
  expect(out.stderr).toContain('Prometheus returned HTTP 400: bad_data');
});

test('Prometheus unreachable, or too slow: exit 2 within the timeout', async () => {
  const closedPort = await findFreePort();
  const refused = await backtest('-f', ERROR_RATE, '--prometheus', `http://127.0.0.1:${closedPort}`, ...incidentWindow(), '--arg', 'role=canary');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`127.0.0.1:${closedPort}`);
  const sockets: import('node:net').Socket[] = [];
  const silent: Server = createServer((socket) => { sockets.push(socket); });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  try {
    const started = Date.now();
    const slow = await backtest('-f', ERROR_RATE, '--prometheus', `http://127.0.0.1:${port}`, ...incidentWindow(), '--arg', 'role=canary', '--timeout', '1s');
    expect(slow.code).toBe(2);
    expect(slow.stderr).toContain('within 1s (timeout)');
    expect(Date.now() - started).toBeLessThan(15_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('an inconclusive run: exit 3, and a range goes on past it; a ClusterAnalysisTemplate under Argo\'s apiVersion is taken too', async () => {
  const file = await template('inconclusive.yaml', [
    'apiVersion: argoproj.io/v1alpha1', 'kind: ClusterAnalysisTemplate', 'metadata: {name: grey}', 'spec:',
    '  metrics:', '    - name: grey-zone', '      interval: 1m', '      count: 2',
    '      successCondition: result[0] < 0.005', '      failureCondition: result[0] > 0.5',
    '      provider: {prometheus: {query: "sum(rate(app_errors_total{role=\\"canary\\"}[1m])) / sum(rate(app_requests_total{role=\\"canary\\"}[1m]))"}}', '',
  ].join('\n'));
  const out = await backtest('-f', file, '--prometheus', history.prometheus.address, ...window(history.startMs + 10 * MINUTE_MS, history.startMs + 20 * MINUTE_MS), '-o', 'json');
  expect(out.code).toBe(3);
  const [report] = windowsOf(out);
  expect(report!.outcome).toBe('inconclusive');
  expect(report!.runs.length).toBeGreaterThan(2);
  expect(report!.runs.every((r) => r.phase === 'Inconclusive')).toBe(true);
  expect(report!.message).toContain('inconclusive (1) > inconclusiveLimit (0)');
});
