// The Prometheus provider as `kanary backtest` uses it: the controller's own provider, asking at
// the replay's simulated instant (its `now`), watched so that the replay can tell history that is
// missing ("no data") and a Prometheus at fault (an error: rejected query, unreachable, timeout)
// from a verdict. Whatever the provider answers is passed on unchanged.
import type { Metric } from '../../api/analysis.js';
import type { ResolvedArg } from '../args.js';
import type { MeasureContext, MeasureResult, MetricProvider, SampleResult } from '../metric-provider.js';
import { createPrometheusProvider } from '../prometheus.js';

export interface ProviderFault {
  metric: string;
  /** The simulated instant of the query, epoch ms. */
  atMs: number;
  message: string;
}

/** What one metric's queries answered since the last reset. */
export interface MetricAnswers {
  answers: number;
  withData: number;
  lastWasNoData: boolean;
}

export interface ObservedProvider {
  provider: MetricProvider;
  /** The first error a query got since the last reset (the backtest stops on it). */
  fault(): ProviderFault | undefined;
  answersOf(metric: string): MetricAnswers;
  /** Forgets what was seen: called at the start of each window. */
  reset(): void;
}

export interface BacktestProviderOptions {
  address: string;
  /** The simulated clock: every query asks Prometheus about this instant (`time=`). */
  now: () => Date;
}

export function createBacktestProvider(options: BacktestProviderOptions): ObservedProvider {
  const inner = createPrometheusProvider({ defaultAddress: options.address, now: options.now });
  let answers = new Map<string, MetricAnswers>();
  let fault: ProviderFault | undefined;
  const record = (metric: string, outcome: { error?: string; hasData: boolean }) => {
    const seen = answers.get(metric) ?? { answers: 0, withData: 0, lastWasNoData: false };
    if (outcome.error !== undefined) {
      fault ??= { metric, atMs: options.now().getTime(), message: outcome.error };
      return;
    }
    answers.set(metric, { answers: seen.answers + 1, withData: seen.withData + (outcome.hasData ? 1 : 0), lastWasNoData: !outcome.hasData });
  };
  const provider: MetricProvider = {
    type: 'prometheus',
    async measure(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<MeasureResult> {
      const result = await inner.measure(metric, args, context);
      record(metric.name, 'error' in result ? { error: result.error, hasData: false } : { hasData: !('noData' in result) });
      return result;
    },
    async sample(metric: Metric, query: string, args: readonly ResolvedArg[], context?: MeasureContext): Promise<SampleResult> {
      const result = await inner.sample!(metric, query, args, context);
      record(metric.name, 'error' in result ? { error: result.error, hasData: false } : { hasData: result.samples.length > 0 });
      return result;
    },
  };
  return {
    provider,
    fault: () => fault,
    answersOf: (metric) => answers.get(metric) ?? { answers: 0, withData: 0, lastWasNoData: false },
    reset: () => {
      answers = new Map();
      fault = undefined;
    },
  };
}
