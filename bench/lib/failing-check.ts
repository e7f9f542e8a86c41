/**
 * A loopback HTTP check for the web metric provider that always answers a failing value
 * (`{"value":0}` against `successCondition: result == 1`), and records when it answered each query
 * (Date.now() in the bench process, millisecond resolution) as a second, independent measure of
 * when the failing measurement was taken.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Obj } from './object-watch.js';

export interface FailingCheck {
  readonly url: string;
  /** Date.now() at each answer, in order. */
  readonly answeredAtMs: number[];
  close(): Promise<void>;
}

export async function startFailingCheck(): Promise<FailingCheck> {
  const answeredAtMs: number[] = [];
  const server: Server = createServer((_req, res) => {
    answeredAtMs.push(Date.now());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"value":0}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/check`,
    answeredAtMs,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** One measurement, failing at once: failureLimit 0, so the first failed measurement fails the run. */
export function failingTemplate(url: string, name = 'always-fails'): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      metrics: [{
        name: 'check',
        count: 1,
        failureLimit: 0,
        successCondition: 'result == 1',
        provider: { web: { url, jsonPath: '{$.value}', timeoutSeconds: 5 } },
      }],
    },
  };
}

/** The finishedAt of the first Failed measurement in an AnalysisRun's status, if any. */
export function failedMeasurementFinishedAt(run: Obj): string | undefined {
  const results = (run.status?.metricResults ?? []) as Obj[];
  for (const result of results) {
    const failed = ((result.measurements ?? []) as Obj[]).find((m) => m.phase === 'Failed');
    if (failed && typeof failed.finishedAt === 'string') return failed.finishedAt;
  }
  return undefined;
}
