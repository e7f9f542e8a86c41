import { metricSchema } from '../../src/api/analysis.js';
import type { ResolvedArg } from '../../src/analysis/args.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { findFreePort } from '../harness/prometheus.js';
import { sendJson, startServer, type LocalServer, type RecordedRequest } from './fixtures/http-server.js';

const provider = createWebProvider();
const web = (spec: Record<string, unknown>) => metricSchema.parse({ name: 'w', provider: { web: spec } });

describe('web provider against a local HTTP server', () => {
  let server: LocalServer;
  const requests: RecordedRequest[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      requests.push(req);
      if (req.url === '/status') return sendJson(res, 200, { data: { ok: true, rate: 0.97, items: [{ v: 1 }, { v: 2 }] } });
      if (req.url === '/boom') return sendJson(res, 500, { message: 'internal' });
      if (req.url === '/html') return void res.end('<p>hi</p>');
      if (req.url === '/slow') return undefined;
      return sendJson(res, 200, { echo: req.body, method: req.method });
    });
  });
  afterAll(() => server.close());
  beforeEach(() => { requests.length = 0; });

  test.each([
    ['{$.data.ok}', true],
    ['$.data.rate', 0.97],
    ['{$.data.items[1].v}', 2],
    ['{$.data.items[*].v}', [1, 2]],
    [undefined, { data: { ok: true, rate: 0.97, items: [{ v: 1 }, { v: 2 }] } }],
  ])('GET with jsonPath %s', async (jsonPath, expected) => {
    const result = await provider.measure(web({ url: `${server.address}/status`, jsonPath }), []);
    expect(result).toMatchObject({ value: expected, resolvedQuery: `GET ${server.address}/status` });
  });

  test('POST sends body and headers with args substituted; secrets redacted in resolvedQuery', async () => {
    const args: ResolvedArg[] = [
      { name: 'svc', value: 'demo', secret: false },
      { name: 'key', value: 'k3y', secret: true },
    ];
    const result = await provider.measure(
      web({
        url: `${server.address}/echo?key={{args.key}}`,
        method: 'POST',
        body: '{"service":"{{args.svc}}"}',
        headers: [{ key: 'X-Api-Key', value: '{{args.key}}' }],
        jsonPath: '{$.echo}',
      }),
      args,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/echo?key=k3y', body: '{"service":"demo"}' });
    expect(requests[0]?.headers['x-api-key']).toBe('k3y');
    expect(result).toMatchObject({ value: '{"service":"demo"}', resolvedQuery: `POST ${server.address}/echo?key=***` });
  });

  test.each([
    ['/boom', undefined, 'returned HTTP 500: {"message":"internal"}'],
    ['/html', undefined, 'did not return JSON (HTTP 200): <p>hi</p>'],
    ['/status', '{$.data.missing}', 'jsonPath "{$.data.missing}" matched nothing in the response'],
    ['/status', '{.data}', 'jsonPath "{.data}" must start with $'],
  ])('%s with %s is an error', async (path, jsonPath, message) => {
    const result = await provider.measure(web({ url: `${server.address}${path}`, jsonPath }), []);
    expect('error' in result && result.error).toContain(message);
  });

  test('timeout', async () => {
    const result = await provider.measure(web({ url: `${server.address}/slow`, timeoutSeconds: 1 }), []);
    expect('error' in result && result.error).toBe(`${server.address}/slow did not answer within 1s (timeout)`);
  });
});

test('web provider: connection refused', async () => {
  const port = await findFreePort();
  const result = await provider.measure(web({ url: `http://127.0.0.1:${port}/x` }), []);
  expect('error' in result && result.error).toContain('refused the connection (ECONNREFUSED)');
});
