import { findNeverEndingMetrics, validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { metricSchema } from '../../src/api/analysis.js';

const doc = (metrics: unknown[], args: unknown[] = [], kind = 'AnalysisTemplate') => ({
  apiVersion: 'kanary.dev/v1alpha1', kind, metadata: { name: 't' }, spec: { args, metrics },
});
const m = (extra: Record<string, unknown>) => ({ name: 'rate', provider: { prometheus: { query: 'up' } }, ...extra });

describe('validateAnalysisTemplate', () => {
  test.each([
    ['a valid template', doc([m({ successCondition: 'result[0] >= {{args.min}}' })], [{ name: 'min', value: '0.9' }]), []],
    ['a cluster template', doc([m({ interval: '30s', count: 2 })], [], 'ClusterAnalysisTemplate'), []],
    ['CEL that does not parse', doc([m({ failureCondition: 'result[0] <' })]),
      [{ path: 'spec.metrics[0].failureCondition', message: 'metric "rate" failureCondition: invalid CEL at column 12: Unexpected token: EOF.' }]],
    ['an undeclared arg', doc([m({ provider: { prometheus: { query: 'x{a="{{args.svc}}"}' } } })]),
      [{ path: 'spec.metrics[0]', message: 'metric "rate" uses {{args.svc}} but the template declares no arg "svc".' }]],
    ['an undeclared arg in a judge count', doc([{ name: 'errors', interval: '5s', provider: { web: { url: 'http://c.demo.svc/counts' } }, judge: { counts: {
      canaryRequests: "$.arms['{{args.canary}}'].requests", canaryErrors: '$.c.errors', baselineRequests: '$.s.requests', baselineErrors: '$.s.errors' } } }]),
    [{ path: 'spec.metrics[0]', message: 'metric "errors" uses {{args.canary}} but the template declares no arg "canary".' }]],
    ['a web judge without its count paths', doc([{ name: 'errors', interval: '5s', provider: { web: { url: 'http://c.demo.svc/counts', jsonPath: '$.c' } }, judge: { counts: { canaryRequests: '$.c.requests' } } }]),
      [{ path: 'spec.metrics[0].judge.counts', message: 'counts must set either all of canaryRequests, canaryErrors, baselineRequests, baselineErrors (PromQL queries, or with provider.web jsonPaths into the response), or all of requests, errors, roleLabel (provider.prometheus only; not both).' },
       { path: 'spec.metrics[0].provider.web.jsonPath', message: 'a metric with a judge block reads each count at its own path in judge.counts: leave provider.web.jsonPath out.' }]],
  ])('%s', (_name, raw, problems) => {
    expect(validateAnalysisTemplate(raw).problems).toEqual(problems);
  });

  test.each([
    ['interval without a unit', doc([m({ interval: '30' })]), 'spec.metrics[0].interval'],
    ['two providers', doc([m({ provider: { prometheus: { query: 'up' }, web: { url: 'http://x' } } })]), 'spec.metrics[0].provider'],
    ['duplicate metric names', doc([m({}), m({})]), 'spec.metrics'],
  ])('schema problem: %s', (_name, raw, path) => {
    const result = validateAnalysisTemplate(raw);
    expect(result.template).toBeUndefined();
    expect(result.problems.map((p) => p.path)).toContain(path);
  });

  test('defaults are applied', () => {
    const metric = validateAnalysisTemplate(doc([m({})])).template?.spec.metrics[0];
    expect(metric).toMatchObject({ failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4, consecutiveSuccessLimit: 0 });
    expect(metric?.provider.prometheus).toMatchObject({ timeout: 30, headers: [] });
  });
});

test.each([
  [{}, false],
  [{ interval: '1m' }, true],
  [{ interval: '1m', count: 0 }, true],
  [{ interval: '1m', count: 3 }, false],
  [{ interval: '1m', consecutiveSuccessLimit: 2 }, false],
])('findNeverEndingMetrics %j -> %s', (extra, never) => {
  const metric = metricSchema.parse(m(extra));
  expect(findNeverEndingMetrics({ spec: { metrics: [metric] } })).toEqual(never ? ['rate'] : []);
});
