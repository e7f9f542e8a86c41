// A run's metric conditions are shown with their {{args.x}} filled in from the run's args (as the
// measurement evaluated them); secret-sourced args show as ***; unknown args leave the text as written.
import { buildAnalysisRunView } from '../../src/cli/render-rollout-view.js';

function runWith(args: object[], successCondition: string) {
  return {
    metadata: { name: 'r', creationTimestamp: new Date('2025-01-01T00:00:00Z') },
    spec: { args, metrics: [{ name: 'rate', successCondition, provider: { prometheus: { query: 'q' } } }] },
    status: { phase: 'Running', metricResults: [{ name: 'rate', phase: 'Running', measurements: [{ phase: 'Successful', value: '[0.99]', startedAt: '2025-01-01T00:00:01Z' }] }] },
  };
}

test.each([
  ['a plain arg is filled in', [{ name: 'min', value: '0.95' }], 'result[0] >= {{args.min}}', 'result[0] >= 0.95'],
  ['a secret-sourced arg shows as ***', [{ name: 'min', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], 'result[0] >= {{args.min}}', 'result[0] >= ***'],
  ['an arg the run does not have leaves the condition as written', [], 'result[0] >= {{args.min}}', 'result[0] >= {{args.min}}'],
])('%s', (_title, args, condition, shown) => {
  const view = buildAnalysisRunView(runWith(args, condition), Date.parse('2025-01-01T00:00:10Z'));
  expect(view.metrics[0]?.condition).toBe(shown);
});

test('the value is rounded for people (with the unit its query implies) and stays raw for -o json', () => {
  const run = runWith([], 'result[0] >= 0.95');
  const result = run.status.metricResults[0] as Record<string, unknown>;
  result['measurements'] = [{ phase: 'Failed', value: '[0.9166666666666666]', startedAt: '2025-01-01T00:00:01Z' }];
  result['resolvedQuery'] = 'sum(rate(ok_total[1m])) / sum(rate(all_total[1m]))';
  const view = buildAnalysisRunView(run, Date.parse('2025-01-01T00:00:10Z'));
  expect(view.metrics[0]?.value).toBe('[0.9166666666666666]');
  expect(view.metrics[0]?.displayValue).toBe('0.917 (91.7%)');
});
