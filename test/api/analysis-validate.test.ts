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
