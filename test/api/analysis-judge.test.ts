import { analysisTemplateSchema, metricSchema } from '../../src/api/analysis.js';

const counts = { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd' };
const base = { name: 'errors', interval: '10s', provider: { prometheus: {} } };

function problems(input: unknown): string[] {
  const parsed = metricSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('judge block of a metric', () => {
  test('fills the documented defaults', () => {
    const metric = metricSchema.parse({ ...base, judge: { counts } });
    expect(metric.judge).toEqual({
      alpha: 0.01,
      tolerance: 1.1,
      beta: 0.05,
      warmup: 0,
      minEvents: 5,
      minPromoteIntervals: 10,
      inconclusive: 'pause',
      counts: { ...counts, canaryRole: 'canary', baselineRole: 'stable', counters: 'cumulative' },
    });
  });

  test('accepts two queries split by a role label', () => {
    expect(problems({ ...base, judge: { counts: { requests: 'r', errors: 'e', roleLabel: 'role', baselineRole: 'primary' } } })).toEqual([]);
  });

  test.each([0, 1, -0.1, 1.5])('alpha %p outside (0,1) is refused', (alpha) => {
    expect(problems({ ...base, judge: { alpha, counts } })).toEqual(['judge.alpha: must be between 0 and 1 (exclusive)']);
  });

  test('counts must be one complete form', () => {
    const message = 'judge.counts: counts must set either all of canaryRequests, canaryErrors, baselineRequests, baselineErrors (PromQL queries, or with provider.web jsonPaths into the response), or all of requests, errors, roleLabel (provider.prometheus only; not both)';
    expect(problems({ ...base, judge: { counts: { canaryRequests: 'a' } } })).toEqual([message]);
    expect(problems({ ...base, judge: { counts: { ...counts, requests: 'r' } } })).toEqual([message]);
    expect(problems({ ...base, judge: { counts: { requests: 'r', errors: 'e' } } })).toEqual([message]);
  });

  test('needs an interval, no conditions, and badRatio above tolerance', () => {
    expect(problems({ ...base, interval: undefined, judge: { counts } })).toEqual([
      'interval: a metric with a judge block needs an interval (one judged interval per measurement)',
    ]);
    expect(problems({ ...base, successCondition: 'result < 1', judge: { counts } })).toEqual([
      'judge: a metric with a judge block has no successCondition or failureCondition: put a threshold in its own metric beside it',
    ]);
    expect(problems({ ...base, judge: { tolerance: 1.5, badRatio: 1.2, counts } })).toEqual(['judge.badRatio: badRatio must be above tolerance (1.5)']);
    expect(problems({ ...base, judge: { tolerance: 0.9, counts } })[0]).toContain('judge.tolerance: must be a ratio of at least 1');
  });

  test('Argo fields are unchanged: a metric without judge still needs its prometheus query', () => {
    expect(problems({ ...base })).toEqual(['provider.prometheus.query: query is required (only a metric with a judge block may leave it out)']);
    expect(problems({ ...base, provider: { prometheus: { query: 'up' } }, successCondition: 'result[0] == 1' })).toEqual([]);
  });

  test('a template with a judged metric beside a threshold metric parses', () => {
    const template = analysisTemplateSchema.parse({
      apiVersion: 'kanary.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 't' },
      spec: {
        metrics: [
          { ...base, count: 30, judge: { counts, badRatio: 2 } },
          { name: 'slo', interval: '10s', successCondition: 'result[0] < 0.05', provider: { prometheus: { query: 'x' } } },
        ],
      },
    });
    expect(template.spec.metrics.map((m) => m.judge !== undefined)).toEqual([true, false]);
  });
});

describe('judge counts from the web provider', () => {
  const paths = { canaryRequests: '{$.canary.requests}', canaryErrors: '{$.canary.errors}', baselineRequests: "$['stable'].requests", baselineErrors: '$.stable.errors' };
  const web = { ...base, provider: { web: { url: 'http://counts.demo.svc/stats' } } };

  test('four jsonPaths into the response, args allowed in them', () => {
    expect(problems({ ...web, judge: { counts: paths } })).toEqual([]);
    expect(problems({ ...web, judge: { counts: { ...paths, canaryRequests: "$.arms['{{args.canary}}'].requests" } } })).toEqual([]);
  });

  test('without the count paths, or with the role-label form, is refused with what to set', () => {
    expect(problems({ ...web, judge: { counts: { canaryRequests: '$.a' } } })[0]).toContain('or with provider.web jsonPaths into the response');
    expect(problems({ ...web, judge: { counts: { requests: '$.r', errors: '$.e', roleLabel: 'role' } } })).toEqual([
      'judge.counts: with provider.web, judge.counts sets canaryRequests, canaryErrors, baselineRequests and baselineErrors, each a jsonPath into the response (requests, errors and roleLabel are for provider.prometheus)',
    ]);
  });

  test('provider.web.jsonPath is refused: each count has its own path', () => {
    expect(problems({ ...web, provider: { web: { url: 'http://x', jsonPath: '$.a' } }, judge: { counts: paths } })).toEqual([
      'provider.web.jsonPath: a metric with a judge block reads each count at its own path in judge.counts: leave provider.web.jsonPath out',
    ]);
  });

  test('a path that is not a jsonPath, or selects a list, is refused', () => {
    expect(problems({ ...web, judge: { counts: { ...paths, canaryErrors: 'canary.errors' } } })).toEqual([
      'judge.counts.canaryErrors: with provider.web a count is a jsonPath into the response: jsonPath "canary.errors" must start with $',
    ]);
    expect(problems({ ...web, judge: { counts: { ...paths, baselineErrors: '$.pods[*].errors' } } })).toEqual([
      'judge.counts.baselineErrors: a count path selects one value (a number, or an object of numbers keyed by series): no [*] or .*',
    ]);
  });

  test('with provider.prometheus the same fields stay PromQL (not checked as paths)', () => {
    expect(problems({ ...base, judge: { counts: { ...counts, canaryErrors: 'sum(errors_total{role="canary"})' } } })).toEqual([]);
  });
});
