// The Prometheus provider's `sample`, used by the judge: every series with its labels, through the
// same bounded request as `measure` (egress policy, secrets redacted from errors and queries).
import { metricSchema } from '../../src/api/analysis.js';
import type { ResolvedArg } from '../../src/analysis/args.js';
import { createEgressPolicy } from '../../src/analysis/egress-policy.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { sendJson, startServer } from './fixtures/http-server.js';

const provider = createPrometheusProvider({ now: () => new Date() });

function judged(prometheus: Record<string, unknown>) {
  return metricSchema.parse({
    name: 'm',
    interval: '1s',
    provider: { prometheus },
    judge: { counts: { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd' } },
  });
}

async function withServer(body: unknown, status: number, run: (address: string, queries: string[]) => Promise<void>) {
  const queries: string[] = [];
  const server = await startServer((req, res) => {
    queries.push(new URL(req.url, 'http://x').searchParams.get('query') ?? '');
    sendJson(res, status, body);
  });
  try {
    await run(server.address, queries);
  } finally {
    await server.close();
  }
}

test('a vector: each series with its labels (without __name__) and value; args substituted', async () => {
  const body = {
    status: 'success',
    data: { resultType: 'vector', result: [
      { metric: { __name__: 'req_total', role: 'canary', pod: 'p1' }, value: [1, '12'] },
      { metric: { __name__: 'req_total', role: 'stable', pod: 'p2' }, value: [1, 'NaN'] },
    ] },
  };
  await withServer(body, 200, async (address, queries) => {
    const args: ResolvedArg[] = [{ name: 'app', value: 'shop', secret: false }];
    const result = await provider.sample!(judged({ address }), 'req_total{app="{{args.app}}"}', args);
    expect(queries).toEqual(['req_total{app="shop"}']);
    expect(result).toMatchObject({ resolvedQuery: 'req_total{app="shop"}' });
    const samples = 'samples' in result ? result.samples : [];
    expect(samples[0]).toEqual({ labels: { role: 'canary', pod: 'p1' }, value: 12 });
    expect(samples[1]?.labels).toEqual({ role: 'stable', pod: 'p2' });
    expect(samples[1]?.value).toBeNaN();
  });
});

test('an empty vector is an empty list (the judge reads it as a missing count, never 0)', async () => {
  await withServer({ status: 'success', data: { resultType: 'vector', result: [] } }, 200, async (address) => {
    expect(await provider.sample!(judged({ address }), 'x', [])).toEqual({ samples: [], resolvedQuery: 'x' });
  });
});

test('a matrix is refused; an HTTP error names status and secrets are redacted from error and query', async () => {
  await withServer({ status: 'success', data: { resultType: 'matrix', result: [] } }, 200, async (address) => {
    expect(await provider.sample!(judged({ address }), 'x[1m]', [])).toEqual({
      error: 'a judge count query must return an instant vector, got "matrix"',
      resolvedQuery: 'x[1m]',
    });
  });
  await withServer({ status: 'error', errorType: 'bad_data', error: 'parse error near s3cr3t' }, 400, async (address) => {
    const args: ResolvedArg[] = [{ name: 'token', value: 's3cr3t', secret: true }];
    const result = await provider.sample!(judged({ address }), 'x{t="{{args.token}}"}', args);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    expect(result).toMatchObject({ error: 'Prometheus returned HTTP 400: bad_data: parse error near ***' });
  });
});

test('the egress policy applies to sample as to measure', async () => {
  const guarded = createPrometheusProvider({ now: () => new Date(), egress: createEgressPolicy({ deny: ['127.0.0.0/8'] }) });
  await withServer({ status: 'success', data: { resultType: 'vector', result: [] } }, 200, async (address, queries) => {
    const result = await guarded.sample!(judged({ address }), 'x', []);
    expect('error' in result && result.error).toContain('127.0.0.1');
    expect(queries).toEqual([]);
  });
});
