/**
 * Issue 18: an analysis decision in the release journal with the real controller and a real
 * AnalysisRun (web provider reading a metric server in this test): the abort is recorded as the
 * analysis's, naming the run, its verdict, the measured value and the condition (args filled in);
 * `get rollout` and `kanary report` show the values rounded for people, `-o json` keeps them raw.
 */
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('journal-analysis');
const rates = [0.99, 0.9166666666666666];
let served = 0;
let metrics: Server | undefined;
let controller: ControllerProcess | undefined;
let view: ClusterView;

beforeAll(async () => {
  metrics = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ successRate: rates[Math.min(served++, rates.length - 1)] }));
  });
  await new Promise<void>((resolve) => metrics!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(metrics.address() as { port: number }).port}/rate`;
  const template = {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'success-rate' },
    spec: {
      args: [{ name: 'min' }],
      metrics: [{ name: 'success-rate', interval: '1s', count: 3, successCondition: 'result >= {{args.min}}', provider: { web: { url, jsonPath: '{$.successRate}' } } }],
    },
  };
  const steps: Obj[] = [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'min', value: '0.95' }] } }, { pause: {} }];
  await applyDocs(ns.name, [template, ...tweakExample(loadExample('canary-ambassador'), { replicas: 2, trafficRouting: false, steps })]);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
  view = new ClusterView(ns.kc, ns.name);
  await waitFor(async () => ((await view.rollout()).status?.phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v1' });
});

afterAll(async () => {
  await controller?.stop();
  metrics?.close();
});

test('a failed analysis: the abort is the analysis\'s, with its run, verdict, value and condition', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const aborted = await waitFor(async () => {
    const entries = ((await view.rollout()).status?.journal?.entries ?? []) as Obj[];
    return entries.find((e) => e.decision === 'Aborted');
  }, { timeoutMs: 90_000, description: 'abort journaled' });
  expect(aborted).toMatchObject({
    revision: 2, step: 1, by: 'analysis', verdict: 'Failed',
    analysisRun: expect.stringMatching(/^demo-\w+-2-1$/) as unknown,
    values: [{ metric: 'success-rate', phase: 'Failed', value: '0.9166666666666666', condition: 'result >= 0.95' }],
  });
  const status = (await view.rollout()).status as Obj;
  expect(status.journal.lastDecision).toMatch(/^Aborted by analysis \(step 1, revision 2\): AnalysisRun "demo-\w+-2-1" failed.*; success-rate 0\.917 vs result >= 0\.95$/);

  const get = await kanary(['get', 'rollout', 'demo', '-n', ns.name]);
  expect(get.stdout).toMatch(/\nLast decision: {4}Aborted by analysis \(step 1, revision 2\)/);
  expect(get.stdout).toMatch(/success-rate +Metric +\S+ Failed +0\.917 vs result >= 0\.95/);
  expect(get.stdout).not.toContain('0.9166666666666666');

  const text = await kanary(['report', 'demo', '-n', ns.name]);
  expect(text.stdout).toMatch(/Outcome: {4}aborted by analysis at /);
  expect(text.stdout).toMatch(/success-rate: Failed, condition result >= 0\.95\n/);
  expect(text.stdout).toMatch(/ Successful +0\.99\n/);
  expect(text.stdout).toMatch(/ Failed +0\.917\n/);
  const json = JSON.parse((await kanary(['report', 'demo', '-n', ns.name, '-o', 'json'])).stdout) as Obj;
  const run = (json.analysisRuns as Obj[])[0];
  expect(run?.metrics[0].measurements.map((m: Obj) => m.value)).toEqual(['0.99', '0.9166666666666666']);
  expect(json.outcome).toMatchObject({ state: 'aborted', by: 'analysis' });
});
