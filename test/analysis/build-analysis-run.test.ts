import { analysisTemplateSpecSchema } from '../../src/api/analysis.js';
import { buildAnalysisRun, type BuildAnalysisRunInput } from '../../src/analysis/build-analysis-run.js';

const tmpl = (label: string, spec: unknown) => ({ label, spec: analysisTemplateSpecSchema.parse(spec) });
const metric = (name: string) => ({ name, provider: { prometheus: { query: 'up{svc="{{args.svc}}"}' } } });
const rollout = { metadata: { name: 'demo', labels: { app: 'shop' } }, spec: { replicas: 3 } };

function input(overrides: Partial<BuildAnalysisRunInput>): BuildAnalysisRunInput {
  return {
    name: 'demo-abc-2-1', namespace: 'ns', rollout, stablePodHash: 'stable1', latestPodHash: 'latest2', rolloutArgs: [],
    templates: [tmpl('AnalysisTemplate "a"', { args: [{ name: 'svc' }], metrics: [metric('m1')] })],
    ...overrides,
  };
}

describe('buildAnalysisRun', () => {
  test.each([
    [{ name: 'svc', value: 'demo-canary' }, 'demo-canary'],
    [{ name: 'svc', valueFrom: { podTemplateHashValue: 'Stable' as const } }, 'stable1'],
    [{ name: 'svc', valueFrom: { podTemplateHashValue: 'Latest' as const } }, 'latest2'],
    [{ name: 'svc', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, 'demo'],
    [{ name: 'svc', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }, 'shop'],
    [{ name: 'svc', valueFrom: { fieldRef: { fieldPath: 'spec.replicas' } } }, '3'],
  ])('rollout arg %j -> %s', (arg, value) => {
    const result = buildAnalysisRun(input({ rolloutArgs: [arg] }));
    expect(result.ok && result.value.spec.args).toEqual([{ name: 'svc', value }]);
  });

  test('merges metrics, args and dryRun of several templates; secret args stay references', () => {
    const result = buildAnalysisRun(input({
      rolloutArgs: [{ name: 'svc', value: 'x' }],
      labels: { 'kanary.dev/rollout': 'demo' },
      templates: [
        tmpl('AnalysisTemplate "a"', { args: [{ name: 'svc' }], metrics: [metric('m1')], dryRun: [{ metricName: 'm1' }] }),
        tmpl('ClusterAnalysisTemplate "b"', {
          args: [{ name: 'svc' }, { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
          metrics: [metric('m2')],
        }),
      ],
    }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.metadata).toEqual({ name: 'demo-abc-2-1', namespace: 'ns', labels: { 'kanary.dev/rollout': 'demo' } });
    expect(result.value.spec.metrics.map((m) => m.name)).toEqual(['m1', 'm2']);
    expect(result.value.spec.dryRun).toEqual([{ metricName: 'm1' }]);
    expect(result.value.spec.args).toEqual([{ name: 'svc', value: 'x' }, { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]);
  });

  test('measurementRetention: the Rollout\'s entries come first (they win), then each template\'s', () => {
    const result = buildAnalysisRun(input({
      rolloutArgs: [{ name: 'svc', value: 'x' }],
      rolloutRetention: [{ metricName: 'm1', limit: 50 }],
      templates: [tmpl('AnalysisTemplate "a"', { args: [{ name: 'svc' }], metrics: [metric('m1')], measurementRetention: [{ metricName: '.*', limit: 20 }] })],
    }));
    expect(result.ok && result.value.spec.measurementRetention).toEqual([{ metricName: 'm1', limit: 50 }, { metricName: '.*', limit: 20 }]);
  });

  test('dryRun: the Rollout\'s entries are added to the templates\'', () => {
    const result = buildAnalysisRun(input({
      rolloutArgs: [{ name: 'svc', value: 'x' }],
      rolloutDryRun: [{ metricName: 'm2' }],
      templates: [tmpl('AnalysisTemplate "a"', { args: [{ name: 'svc' }], metrics: [metric('m1'), metric('m2')], dryRun: [{ metricName: 'm1' }] })],
    }));
    expect(result.ok && result.value.spec.dryRun).toEqual([{ metricName: 'm2' }, { metricName: 'm1' }]);
  });

  test.each([
    ['duplicate metric names', input({ rolloutArgs: [{ name: 'svc', value: 'x' }], templates: [tmpl('AnalysisTemplate "a"', { args: [{ name: 'svc' }], metrics: [metric('m1')] }), tmpl('AnalysisTemplate "b"', { metrics: [metric('m1')] })] }),
      'metric "m1" is defined in both AnalysisTemplate "a" and AnalysisTemplate "b"'],
    ['an arg nobody supplies', input({}), 'arg "svc" has no value: supply it in the Rollout\'s analysis args'],
    ['a fieldRef that does not resolve', input({ rolloutArgs: [{ name: 'svc', valueFrom: { fieldRef: { fieldPath: 'metadata.nope' } } }] }),
      'arg "svc": fieldRef "metadata.nope" does not resolve on the Rollout'],
    ['no stable hash yet', input({ stablePodHash: undefined, rolloutArgs: [{ name: 'svc', valueFrom: { podTemplateHashValue: 'Stable' } }] }),
      'arg "svc": no Stable pod-template hash yet'],
    ['no templates', input({ templates: [] }), 'no analysis template referenced'],
  ])('%s', (_name, given, message) => {
    expect(buildAnalysisRun(given)).toEqual({ ok: false, message });
  });
});
