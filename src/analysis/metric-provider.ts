// The MetricProvider port: one measurement of one metric. Errors are data, never thrown.
import type { Metric } from '../api/analysis.js';
import type { ResolvedArg } from './args.js';

export type MeasureResult =
  | { value: unknown; raw?: string; resolvedQuery?: string }
  | { noData: true; message: string; resolvedQuery?: string }
  | { error: string; resolvedQuery?: string };

/** Where the measurement is made for: the AnalysisRun's namespace (egress rules use it). */
export interface MeasureContext {
  namespace: string;
}

export interface MetricProvider {
  /** The `provider` key this adapter serves: `prometheus` or `web`. */
  readonly type: 'prometheus' | 'web';
  measure(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<MeasureResult>;
}

/** Limits shared by the HTTP providers (controller flags). */
export interface ProviderLimits {
  /** Cap on a response body in bytes (default 1 MiB). */
  maxResponseBytes?: number;
}

export const NO_DATA_MESSAGE = 'query returned no data';

export function isMeasureError(result: MeasureResult): result is { error: string; resolvedQuery?: string } {
  return 'error' in result;
}

export function isNoData(result: MeasureResult): result is { noData: true; message: string; resolvedQuery?: string } {
  return 'noData' in result;
}
