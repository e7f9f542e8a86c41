import { buildActions, buildMappingViews, buildMetricSeries, buildOverview, buildRolloutPage, buildSteps, parseMeasuredValue, parseThreshold } from '../../src/dashboard/view-model.js';
import { matchesFilter } from '../../src/dashboard/ui/overview.js';
import { rolloutSchema } from '../../src/api/rollout.js';
import type { NamespaceObjects } from '../../src/cli/rollout-tree.js';

const now = Date.parse('2026-01-01T12:00:00Z');

function rollout(name: string, namespace: string, status: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout',
    metadata: { name, namespace, uid: `${name}-uid` },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `${name}:v2` }] } },
      strategy: { canary: { trafficRouting: { ambassador: { mappings: [name] } }, steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }] } },
      ...spec,
    },
    status,
  };
}

const objects = (rollouts: NamespaceObjects['rollouts'], more: Partial<NamespaceObjects> = {}): NamespaceObjects => ({
  rollouts, replicaSets: [], pods: [], analysisRuns: [], mappings: [], ...more,
});

const canaryStatus = { phase: 'Paused', stableRS: 'aaa', currentPodHash: 'bbb', currentStepIndex: 1, message: 'CanaryPauseStep', pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T11:59:00Z' }] };

describe('buildOverview', () => {
  test('rows of every namespace, sorted, with step, weights, message and invalid spec', () => {
    const rows = buildOverview(objects([
      rollout('web', 'shop', canaryStatus),
      rollout('api', 'core', {}),
      rollout('bad', 'core', { conditions: [{ type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: 'spec.selector: does not match' }] }),
    ], {
      mappings: [{ apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'web-canary', namespace: 'shop' }, spec: { weight: 30 } }],
    }), now);
    expect(rows.map((r) => `${r.namespace}/${r.name}`)).toEqual(['core/api', 'core/bad', 'shop/web']);
    const web = rows[2]!;
    expect(web).toMatchObject({ phase: 'Paused', step: '2/3', setWeight: 30, actualWeight: 30, message: 'CanaryPauseStep' });
    expect(rows[1]!.invalidSpec).toBe('spec.selector: does not match');
    expect(rows[0]!.invalidSpec).toBeUndefined();
  });

  test('a spec the schema rejects is reported as InvalidSpec with the schema problem', () => {
    const [row] = buildOverview(objects([rollout('x', 'ns', {}, { replicas: 'many' })]), now);
    expect(row?.invalidSpec).toMatch(/^InvalidSpec: spec\.replicas/);
  });
});

describe('the rollout page', () => {
  test('steps: done, current, pending; all done once stable', () => {
    const parsed = rolloutSchema.parse(rollout('web', 'shop', canaryStatus));
    expect(buildSteps(parsed).map((s) => s.state)).toEqual(['done', 'current', 'pending']);
    const complete = rolloutSchema.parse(rollout('web', 'shop', { stableRS: 'a', currentPodHash: 'a', currentStepIndex: 3 }));
    expect(buildSteps(complete).map((s) => s.state)).toEqual(['done', 'done', 'done']);
    expect(buildSteps(parsed)[0]?.description).toBe('setWeight: 30');
  });

  test('actions carry the CLI\'s reason when they do not apply', () => {
    const paused = rolloutSchema.parse(rollout('web', 'shop', canaryStatus));
    const actions = Object.fromEntries(buildActions(paused, undefined).map((a) => [a.verb, a.disabledReason]));
    expect(actions.promote).toBeUndefined();
    expect(actions.abort).toBeUndefined();
    expect(actions.retry).toBe('rollout "web" is not aborted: there is nothing to retry');
    expect(buildActions(undefined, 'bad spec').every((a) => a.disabledReason === 'bad spec')).toBe(true);
  });

  test('Mappings: the stable base and the canary copy with weights', () => {
    const raw = rollout('web', 'shop');
    const mapping = (name: string, weight?: number) => ({ apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name, namespace: 'shop' }, spec: { prefix: '/web/', service: name, ...(weight === undefined ? {} : { weight }) } });
    expect(buildMappingViews(raw, [mapping('web'), mapping('web-canary', 30), mapping('other')])).toEqual([
      { name: 'web', role: 'stable', weight: undefined, service: 'web', prefix: '/web/' },
      { name: 'web-canary', role: 'canary', weight: 30, service: 'web-canary', prefix: '/web/' },
    ]);
  });

  test('measurements become numeric points with the condition\'s threshold', () => {
    const run = {
      metadata: { name: 'web-run', namespace: 'shop' },
      status: { metricResults: [{ name: 'success-rate', measurements: [
        { phase: 'Successful', value: '[0.99]', finishedAt: '2026-01-01T11:58:00Z' },
        { phase: 'Failed', value: '0.90', finishedAt: '2026-01-01T11:59:00Z' },
        { phase: 'Inconclusive', finishedAt: '2026-01-01T12:00:00Z' },
      ] }] },
    };
    const [series] = buildMetricSeries([run], new Map([['web-run/success-rate', 'result[0] >= 0.95']]));
    expect(series).toEqual({
      run: 'web-run', metric: 'success-rate', condition: 'result[0] >= 0.95', threshold: 0.95,
      points: [
        { timeMs: Date.parse('2026-01-01T11:58:00Z'), value: 0.99, phase: 'Successful' },
        { timeMs: Date.parse('2026-01-01T11:59:00Z'), value: 0.9, phase: 'Failed' },
        { timeMs: now, value: null, phase: 'Inconclusive' },
      ],
    });
  });

  test('a page joins history and objects; an absent Rollout has none', () => {
    const all = objects([rollout('web', 'shop', canaryStatus), rollout('web', 'other', {})]);
    const page = buildRolloutPage(all, { namespace: 'shop', name: 'web' }, [{ timeMs: 1, weightPercent: 30 }], now);
    expect(page?.summary.namespace).toBe('shop');
    expect(page?.weightHistory).toEqual([{ timeMs: 1, weightPercent: 30 }]);
    expect(page?.view.pause).toMatchObject({ kind: 'indefinite' });
    expect(buildRolloutPage(all, { namespace: 'shop', name: 'nope' }, [], now)).toBeUndefined();
  });
});

test.each([
  ['result[0] >= 0.95', 0.95],
  ['result < 500', 500],
  ['0.9 <= result', 0.9],
  ['result == -1', -1],
  ['size(result) > 0 && result[0] > 0.5', 0.5],
  ['fails when result[0] > 0.1', 0.1],
  ['isNaN(result)', undefined],
  [undefined, undefined],
])('threshold of %s is %s', (condition, expected) => {
  expect(parseThreshold(condition)).toBe(expected);
});

test.each([
  ['0.98', 0.98],
  ['[0.97, 0.5]', 0.97],
  ['"text"', null],
  ['not json', null],
  [undefined, null],
])('measured value %s is %s', (value, expected) => {
  expect(parseMeasuredValue(value)).toBe(expected);
});

test.each([
  ['', true],
  ['shop', true],
  ['paused web', true],
  ['v2', true],
  ['healthy', false],
])('the filter %j matches shop/web (Paused, web:v2): %s', (filter, expected) => {
  expect(matchesFilter({ namespace: 'shop', name: 'web', phase: 'Paused', strategy: 'Canary', step: '2/3', setWeight: 30, actualWeight: 30, images: ['web:v2'] }, filter)).toBe(expected);
});
