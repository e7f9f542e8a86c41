/**
 * No request to a deprecated API (issue 13): after a full release on the real controller, driven
 * with the real CLI (a canary with analysis, promote, abort, retry, promote --full and `get
 * rollout`), the API server's `apiserver_requested_deprecated_apis` gauge lists no deprecated API
 * that was not listed before the release. The gauge cannot tell who asked, and
 * kube-controller-manager's garbage collector watches core v1 Endpoints by itself, so that one
 * series is left out here; that Kanary never asks for Endpoints is shown by the chart RBAC test,
 * whose controller runs without any Endpoints permission and logs no refused request.
 */
import { jest } from '@jest/globals';
import * as https from 'node:https';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { analysisStep, analysisTemplate, deployStable, gaugeMetric, rolloutOnly, startAnalysisStack, waitForStatus, type AnalysisStack } from '../analysis-e2e/analysis-e2e-fixtures.js';
import { applyDocs, kanary } from './rollout-fixtures.js';

jest.setTimeout(240_000);

/** The series the garbage collector of kube-controller-manager causes on its own. */
const OWN_SERIES_OF_THE_GARBAGE_COLLECTOR = 'resource="endpoints"';

const ns = useTestNamespace('deprecated-apis');
let stack: AnalysisStack;
let before: string[] = [];

beforeAll(async () => {
  before = await deprecatedApiSeries();
  stack = await startAnalysisStack(ns, { ok: 0.01 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A GET with the test's admin credentials (client certificate), as text. */
async function apiGet(path: string): Promise<string> {
  const url = new URL(`${ns.kc.getCurrentCluster()?.server ?? ''}${path}`);
  const options: https.RequestOptions = { method: 'GET' };
  await ns.kc.applyToHTTPSOptions(options);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(url, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  expect({ path, status: answer.status }).toEqual({ path, status: 200 });
  return answer.body;
}

async function deprecatedApiSeries(): Promise<string[]> {
  const text = await apiGet('/metrics');
  return text.split('\n')
    .filter((line) => line.startsWith('apiserver_requested_deprecated_apis{'))
    .filter((line) => !line.includes(OWN_SERIES_OF_THE_GARBAGE_COLLECTOR));
}

async function cli(args: string[]): Promise<void> {
  const result = await kanary([...args, '-n', ns.name]);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
}

test('a full release with the controller and the CLI requests no deprecated API', async () => {
  const template = analysisTemplate('healthy', [gaugeMetric({ count: 2, successCondition: 'result[0] < 0.05' })]);
  const stable = await deployStable(stack, ns.name, [template], { image: 'kanary/demo-app:v1', steps: [] });
  const steps = [{ setWeight: 30 }, { pause: {} }, analysisStep(['healthy'], 'ok'), { setWeight: 60 }, { pause: {} }];
  await applyDocs(ns.name, rolloutOnly({ image: 'kanary/demo-app:v2', steps }));
  await waitForStatus(stack.view, (s) => s.currentStepIndex === 1 && s.phase === 'Paused', 'paused at 30%');
  await cli(['get', 'rollout', 'demo']);
  await cli(['promote', 'demo']);
  await waitForStatus(stack.view, (s) => s.currentStepIndex === 4 && s.phase === 'Paused', 'analysis passed, paused at 60%', 90_000);
  await cli(['abort', 'demo']);
  await waitForStatus(stack.view, (s) => s.phase === 'Degraded' && s.stableRS === stable, 'aborted');
  await cli(['retry', 'demo']);
  await waitForStatus(stack.view, (s) => s.phase === 'Paused' && s.currentStepIndex === 1, 'retried, paused at 30%', 90_000);
  await cli(['promote', 'demo', '--full']);
  await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.stableRS !== stable, 'promoted in full', 90_000);
  await waitFor(async () => ((await stack.view.canaryWeight()) === 0 ? true : undefined), { timeoutMs: 30_000, description: 'canary weight back to 0' });
  const after = await deprecatedApiSeries();
  expect(after.filter((line) => !before.includes(line))).toEqual([]);
});
