// measurementRetention (Argo's field) on a run driven by the real reconciler and web provider: each
// metric keeps its own number of measurements (the first covering entry wins), 10 without one.
import { analysisRunSchema } from '../../src/api/analysis.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createEgressPolicy } from '../../src/analysis/egress-policy.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { reconcileRunTimes } from './fixtures/drive-run.js';
import { startServer, type LocalServer } from './fixtures/http-server.js';

let server: LocalServer;
let served = 0;

beforeAll(async () => {
  server = await startServer((_req, res) => {
    served += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: served }));
  });
});

afterAll(async () => {
  await server.close();
});

test('a 30-measurement run keeps 25 of "kept", 3 of "short" and the default 10 of "plain"', async () => {
  const metric = (name: string) => ({ name, interval: '1s', count: 30, successCondition: 'result > 0', provider: { web: { url: `${server.address}/v`, jsonPath: '{$.n}' } } });
  const run = analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'web-abc-2', namespace: 'default' },
    spec: {
      metrics: [metric('kept'), metric('short'), metric('plain')],
      measurementRetention: [{ metricName: 'kept', limit: 25 }, { metricName: 'sh.*', limit: 3 }, { metricName: 'kept', limit: 1 }],
    },
  });
  const deps = { providers: [createWebProvider({ egress: createEgressPolicy({ allow: ['127.0.0.0/8'] }) })], conditions: createConditionEnvironment() };
  const done = await reconcileRunTimes(run, deps, 40, () => undefined);
  expect(done.status?.phase).toBe('Successful');
  const kept = (name: string) => done.status?.metricResults.find((r) => r.name === name);
  expect(kept('kept')?.measurements).toHaveLength(25);
  expect(kept('short')?.measurements).toHaveLength(3);
  expect(kept('plain')?.measurements).toHaveLength(10);
  // The counters still count every measurement; the newest ones are kept.
  expect(kept('kept')?.count).toBe(30);
  const values = kept('short')?.measurements.map((m) => Number(m.value));
  expect(values).toEqual([...(values ?? [])].sort((a, b) => a - b));
  // The last three of 30 rounds of three requests each: all served after the first 81.
  expect(Math.min(...(values ?? [0]))).toBeGreaterThan(81);
  expect(served).toBe(90);
});
