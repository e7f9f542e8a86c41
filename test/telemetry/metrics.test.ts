import { register as globalRegistry } from 'prom-client';
import { createControllerMetrics } from '../../src/telemetry/metrics.js';

async function valuesOf(metrics: ReturnType<typeof createControllerMetrics>, name: string) {
  const all = await metrics.registry.getMetricsAsJSON();
  return all.find((m) => m.name === name)?.values ?? [];
}

describe('controller metrics', () => {
  test('every controller metric is registered on a private registry', async () => {
    const metrics = createControllerMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'kanary_analysis_metric_value', 'kanary_analysis_run_phase', 'kanary_canary_weight',
      'kanary_events_total', 'kanary_kubernetes_requests_total', 'kanary_reconcile_duration_seconds',
      'kanary_reconcile_errors_total', 'kanary_rollout_info', 'kanary_rollout_phase',
      'kanary_workqueue_depth', 'kanary_workqueue_retries_total',
    ]);
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });

  test('two instances do not share series', async () => {
    const a = createControllerMetrics();
    const b = createControllerMetrics();
    a.countEvent({ reason: 'RolloutUpdated', type: 'Normal' });
    expect(await valuesOf(a, 'kanary_events_total')).toHaveLength(1);
    expect(await valuesOf(b, 'kanary_events_total')).toHaveLength(0);
  });

  test('rollout phase keeps one series per rollout, replaced on change and dropped on forget', async () => {
    const m = createControllerMetrics();
    const ref = { namespace: 'shop', rollout: 'web' };
    m.setRolloutPhase(ref, 'Progressing');
    m.setRolloutPhase(ref, 'Paused');
    m.setRolloutPhase({ namespace: 'shop', rollout: 'api' }, 'Healthy');
    expect(await valuesOf(m, 'kanary_rollout_phase')).toEqual([
      { value: 1, labels: { namespace: 'shop', rollout: 'web', phase: 'Paused' } },
      { value: 1, labels: { namespace: 'shop', rollout: 'api', phase: 'Healthy' } },
    ]);
    m.setRolloutInfo(ref, { strategy: 'canary', trafficRouter: 'ambassador' });
    m.setCanaryWeight(ref, 30);
    m.forgetRollout(ref);
    expect(await valuesOf(m, 'kanary_rollout_phase')).toHaveLength(1);
    expect(await valuesOf(m, 'kanary_rollout_info')).toHaveLength(0);
    expect(await valuesOf(m, 'kanary_canary_weight')).toHaveLength(0);
  });

  test('reconcile duration is observed in seconds with controller and result labels', async () => {
    const m = createControllerMetrics();
    m.observeReconcile({ controller: 'rollout', result: 'success', durationMs: 30 });
    const text = await m.registry.metrics();
    expect(text).toContain('kanary_reconcile_duration_seconds_sum{controller="rollout",result="success"} 0.03');
    expect(text).toContain('kanary_reconcile_duration_seconds_bucket{le="0.05",controller="rollout",result="success"} 1');
    expect(text).toContain('kanary_reconcile_duration_seconds_bucket{le="0.025",controller="rollout",result="success"} 0');
  });

  test('counters and workqueue hooks', async () => {
    const m = createControllerMetrics();
    m.countKubernetesRequest({ verb: 'patch', resource: 'replicasets', code: 200 });
    m.countKubernetesRequest({ verb: 'patch', resource: 'replicasets', code: 200 });
    m.countReconcileError({ controller: 'rollout', reason: 'Conflict' });
    const hooks = m.workqueueHooks('rollouts');
    hooks.depth(4);
    hooks.retry();
    hooks.retry();
    const text = await m.registry.metrics();
    expect(text).toContain('kanary_kubernetes_requests_total{verb="patch",resource="replicasets",code="200"} 2');
    expect(text).toContain('kanary_reconcile_errors_total{controller="rollout",reason="Conflict"} 1');
    expect(text).toContain('kanary_workqueue_depth{queue="rollouts"} 4');
    expect(text).toContain('kanary_workqueue_retries_total{queue="rollouts"} 2');
  });

  test('analysis run phase and metric values, forgotten together', async () => {
    const m = createControllerMetrics();
    const ref = { namespace: 'shop', analysisRun: 'web-abc-2' };
    m.setAnalysisRunPhase(ref, 'Running');
    m.setAnalysisRunPhase(ref, 'Successful');
    m.setAnalysisMetricValue(ref, 'success-rate', 0.97);
    m.setAnalysisMetricValue(ref, 'latency', 120);
    expect(await valuesOf(m, 'kanary_analysis_run_phase')).toEqual([
      { value: 1, labels: { namespace: 'shop', analysis_run: 'web-abc-2', phase: 'Successful' } },
    ]);
    expect(await valuesOf(m, 'kanary_analysis_metric_value')).toHaveLength(2);
    m.forgetAnalysisRun(ref);
    expect(await valuesOf(m, 'kanary_analysis_run_phase')).toHaveLength(0);
    expect(await valuesOf(m, 'kanary_analysis_metric_value')).toHaveLength(0);
  });
});
