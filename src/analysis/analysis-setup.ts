// Composition of the analysis side of `kanary controller`: the egress policy from the flags, the
// two providers under it, and the sandboxed CEL evaluator. Called once by the controller.
import type { ControllerConfig } from '../config/controller-config.js';
import { CelSandbox } from './cel-sandbox.js';
import { createEgressPolicy, hostRuleOf, type EgressPolicy } from './egress-policy.js';
import type { MetricProvider } from './metric-provider.js';
import { createPrometheusProvider } from './prometheus.js';
import { createWebProvider } from './web.js';

export type AnalysisSettings = Pick<
  ControllerConfig,
  'prometheusAddress' | 'analysisEgressAllow' | 'analysisEgressDeny' | 'analysisMaxResponseBytes' | 'analysisConditionTimeoutMs'
>;

export interface AnalysisRuntime {
  egress: EgressPolicy;
  providers: MetricProvider[];
  conditions: CelSandbox;
}

/** The controller's policy: flags, plus the Prometheus address's host and the controller's own ports. */
export function createAnalysisEgressPolicy(settings: AnalysisSettings, ownPorts: readonly number[]): EgressPolicy {
  const prometheusHost = hostRuleOf(settings.prometheusAddress);
  return createEgressPolicy({
    allow: settings.analysisEgressAllow,
    deny: settings.analysisEgressDeny,
    builtInAllow: prometheusHost === undefined ? [] : [prometheusHost],
    ownPorts: ownPorts.filter((p) => p > 0),
  });
}

export function createAnalysisRuntime(settings: AnalysisSettings, context: { now: () => Date; ownPorts: readonly number[] }): AnalysisRuntime {
  const egress = createAnalysisEgressPolicy(settings, context.ownPorts);
  const limits = { maxResponseBytes: settings.analysisMaxResponseBytes, egress };
  return {
    egress,
    providers: [
      createPrometheusProvider({ defaultAddress: settings.prometheusAddress, now: context.now, ...limits }),
      createWebProvider(limits),
    ],
    conditions: new CelSandbox({ timeoutMs: settings.analysisConditionTimeoutMs, timeoutSetting: '--analysis-condition-timeout' }),
  };
}
