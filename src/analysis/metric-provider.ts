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

/** One series of an instant vector: its labels (without __name__) and value. */
export interface LabeledSample {
  labels: Record<string, string>;
  value: number;
}

/** An instant query's series, for the judge's counts; an empty list is "no data". */
export type SampleResult = { samples: LabeledSample[]; resolvedQuery: string } | { error: string; resolvedQuery?: string };

/** A web response's decoded JSON, whole (no jsonPath), for the judge's counts. */
export type DocumentResult = { document: unknown; resolvedQuery: string } | { error: string; resolvedQuery?: string };

export interface MetricProvider {
  /** The `provider` key this adapter serves: `prometheus` or `web`. */
  readonly type: 'prometheus' | 'web';
  measure(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<MeasureResult>;
  /**
   * Runs `query` (args substituted) with the metric's provider settings (address, headers,
   * timeout) and returns every series with its labels. Only the Prometheus provider has it.
   */
  sample?(metric: Metric, query: string, args: readonly ResolvedArg[], context?: MeasureContext): Promise<SampleResult>;
  /**
   * Sends the metric's web request (url, method, headers, body, timeout; args substituted) and
   * returns the whole decoded JSON response, bounded and egress-checked like `measure`, secrets
   * redacted from errors. Only the web provider has it.
   */
  fetchDocument?(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<DocumentResult>;
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
