import { analysisRunSchema, type AnalysisRun, type MetricInput } from '../../src/api/analysis.js';
import { reconcileAnalysisRun, type AnalysisRunDeps } from '../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { MAX_JUDGE_SERIES, seriesKey } from '../../src/analysis/judge-series.js';
import type { LabeledSample, MetricProvider, SampleResult } from '../../src/analysis/metric-provider.js';

import { reconcileRunTimes, T0 } from './fixtures/drive-run.js';

/** Cumulative counters per role, advanced by the test between measurements. */
class FakeCounters {
  readonly totals = { canary: { requests: 0, errors: 0 }, stable: { requests: 0, errors: 0 } };
  queries: string[] = [];
  override: ((query: string) => SampleResult | undefined) | undefined;

  add(role: 'canary' | 'stable', requests: number, errors: number): void {
    this.totals[role].requests += requests;
    this.totals[role].errors += errors;
  }

  provider(): MetricProvider {
    return {
      type: 'prometheus',
      measure: () => Promise.resolve({ error: 'not used' }),
      sample: (_metric, query) => {
        this.queries.push(query);
        const forced = this.override?.(query);
        if (forced) return Promise.resolve(forced);
        const kind = query.includes('errors') ? 'errors' : 'requests';
        const samples: LabeledSample[] = (['canary', 'stable'] as const).map((role) => ({ labels: { role, pod: `${role}-0` }, value: this.totals[role][kind] }));
        return Promise.resolve({ samples, resolvedQuery: query });
      },
    };
  }
}

function judgedRun(judge: Record<string, unknown>, extra: Partial<MetricInput> = {}, args: { name: string; value: string }[] = []): AnalysisRun {
  return analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'demo-abc-2', namespace: 'default' },
    spec: {
      args,
      metrics: [{ name: 'errors', interval: '1s', provider: { prometheus: {} }, judge: { counts: { requests: 'sum by (role) (requests_total)', errors: 'sum by (role) (errors_total)', roleLabel: 'role' }, ...judge }, ...extra }],
    },
  });
}

function reconcileTimes(run: AnalysisRun, counters: FakeCounters, times: number, perInterval: () => void): Promise<AnalysisRun> {
  return reconcileRunTimes(run, { providers: [counters.provider()], conditions: createConditionEnvironment() }, times, perInterval);
}

describe('a judged metric measured through the provider', () => {
  test('a bad canary (cumulative counters by role) fails the run with the evidence in status', async () => {
    const counters = new FakeCounters();
    counters.add('canary', 100, 0);
    counters.add('stable', 100, 0);
    const run = await reconcileTimes(judgedRun({}), counters, 40, () => {
      counters.add('canary', 100, 5);
      counters.add('stable', 100, 1);
    });
    expect(run.status!.phase).toBe('Failed');
    const result = run.status!.metricResults[0]!;
    expect(run.status!.message).toMatch(/^Metric "errors" assessed Failed due to judge: canary worse than stable \(evidence \d+ ≥ 100\)$/);
    const last = result.measurements.at(-1)!;
    expect(last.judge).toMatchObject({ interval: 'judged', canaryRequests: 100, canaryErrors: 5, baselineRequests: 100, baselineErrors: 1, observedRatio: '5.0' });
    expect(last.judge!.abortEvidence).toBeGreaterThanOrEqual(100);
    expect(result.resolvedQuery).toBe('requests: sum by (role) (requests_total); errors: sum by (role) (errors_total)');
    expect(result.judge!.readings!.canaryRequests).toEqual([{ series: seriesKey({ role: 'canary', pod: 'canary-0' }), value: counters.totals.canary.requests }]);
  });

  test('a good canary with badRatio is promoted early: the run is Successful', async () => {
    const counters = new FakeCounters();
    const run = await reconcileTimes(judgedRun({ badRatio: 2, minPromoteIntervals: 3 }, { count: 100 }), counters, 150, () => {
      counters.add('canary', 1000, 5);
      counters.add('stable', 1000, 5);
    });
    expect(run.status!.phase).toBe('Successful');
    expect(run.status!.metricResults[0]!.message).toContain('promoted early');
  });

  test('errors above requests are reported and never promote; undecided at count pauses (Inconclusive)', async () => {
    const counters = new FakeCounters();
    const run = await reconcileTimes(judgedRun({ badRatio: 2, minPromoteIntervals: 0, minEvents: 0 }, { count: 3 }), counters, 10, () => {
      counters.add('canary', 10, 50);
      counters.add('stable', 1000, 5);
    });
    expect(run.status!.phase).toBe('Inconclusive');
    const messages = run.status!.metricResults[0]!.measurements.map((m) => m.message ?? '');
    expect(messages.slice(1).every((m) => m.includes('canaryErrors (50) is above canaryRequests'))).toBe(true);
    expect(run.status!.message).toContain('judge: inconclusive after 3 intervals');
  });

  test('a query error is an Error measurement (no judge step), and the error limit ends the run', async () => {
    const counters = new FakeCounters();
    counters.override = () => ({ error: 'Prometheus returned HTTP 500: overloaded', resolvedQuery: 'q' });
    const run = await reconcileTimes(judgedRun({}, { consecutiveErrorLimit: 0 }), counters, 5, () => undefined);
    expect(run.status!.phase).toBe('Error');
    const result = run.status!.metricResults[0]!;
    expect(result.measurements[0]).toMatchObject({ phase: 'Error', message: 'judge count requests: Prometheus returned HTTP 500: overloaded' });
    expect(result.judge).toBeUndefined();
  });

  test('too many series are refused with a clear message', async () => {
    const counters = new FakeCounters();
    const many = Array.from({ length: MAX_JUDGE_SERIES + 1 }, (_, i) => ({ labels: { role: 'canary', pod: String(i) }, value: 1 }));
    counters.override = (query) => ({ samples: many, resolvedQuery: query });
    const run = await reconcileTimes(judgedRun({}, { consecutiveErrorLimit: 0 }), counters, 3, () => undefined);
    expect(run.status!.metricResults[0]!.measurements[0]!.message).toBe(
      `judge count requests: ${MAX_JUDGE_SERIES + 1} series, more than ${MAX_JUDGE_SERIES}; aggregate the query (e.g. sum by (pod))`,
    );
  });

  test('four queries get args substituted by the provider and the first reading starts the counting', async () => {
    const counters = new FakeCounters();
    counters.override = (query) => ({ samples: [{ labels: {}, value: 10 }], resolvedQuery: query });
    const run = await reconcileTimes(
      judgedRun({ counts: { canaryRequests: 'req{role="canary"}', canaryErrors: 'err{role="canary"}', baselineRequests: 'req{role="stable"}', baselineErrors: 'err{role="stable"}' } }),
      counters,
      1,
      () => undefined,
    );
    expect(counters.queries).toEqual(['req{role="canary"}', 'err{role="canary"}', 'req{role="stable"}', 'err{role="stable"}']);
    expect(run.status!.metricResults[0]!.measurements[0]!.judge!.interval).toBe('firstScrape');
    expect(run.status!.phase).toBe('Running');
  });
});

describe('a judged run terminated before the judge decided', () => {
  test('ends Inconclusive ("judge undecided after N intervals"), never Successful "Run Terminated"', async () => {
    const counters = new FakeCounters();
    const running = await reconcileTimes(judgedRun({}), counters, 4, () => {
      counters.add('canary', 100, 1);
      counters.add('stable', 100, 1);
    });
    expect(running.status!.phase).toBe('Running');
    const deps: AnalysisRunDeps = { providers: [counters.provider()], conditions: createConditionEnvironment(), now: () => new Date(T0 + 60_000) };
    const queriesBefore = counters.queries.length;
    const result = await reconcileAnalysisRun({ ...running, spec: { ...running.spec, terminate: true } }, deps);
    expect(counters.queries.length).toBe(queriesBefore);
    expect(result.requeueAfterMs).toBeUndefined();
    expect(result.status.phase).toBe('Inconclusive');
    expect(result.status.message).toMatch(/^Metric "errors" assessed Inconclusive due to judge undecided after 3 intervals: the run was terminated before a verdict \(.*\); not a pass$/);
    const metric = result.status.metricResults[0]!;
    expect(metric.phase).toBe('Inconclusive');
    expect(metric.judge!.state.verdict).toBeUndefined();
  });
});
