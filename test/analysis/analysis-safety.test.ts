// A hostile tenant's AnalysisRun end to end through reconcileAnalysisRun: injected arg values,
// secrets echoed back in every encoding, and a condition that tries to read a secret.
import { analysisRunSchema, type AnalysisRun, type MetricInput } from '../../src/api/analysis.js';
import { reconcileAnalysisRun, type AnalysisRunDeps } from '../../src/analysis/analysis-run-reconciler.js';
import { CelSandbox } from '../../src/analysis/cel-sandbox.js';
import { createEgressPolicy } from '../../src/analysis/egress-policy.js';
import { createRedactor, secretForms } from '../../src/analysis/redaction.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { sendJson, startServer, type LocalServer } from './fixtures/http-server.js';

const SECRET = 's3cr3t/+ "tok=en"';

function encodings(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).toLowerCase(),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`user:${secret}`).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
  ];
}

function run(metrics: MetricInput[], args: { name: string; value?: string; valueFrom?: unknown }[]): AnalysisRun {
  return analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun',
    metadata: { name: 'hostile', namespace: 'tenant' },
    spec: { metrics, args },
  });
}

describe('redaction helper', () => {
  test.each(encodings(SECRET).map((form) => [form]))('removes %s', (form) => {
    const clean = createRedactor([SECRET]);
    const text = `before ${form} after`;
    expect(clean(text)).not.toContain(form);
    expect(clean(text)).toContain('***');
  });

  test('leaves text without the secret alone', () => {
    expect(createRedactor([SECRET])('nothing to see: s3cr3t alone')).toBe('nothing to see: s3cr3t alone');
  });

  test('searches every base64 alignment', () => {
    expect(secretForms('correct horse').filter((f) => /^[A-Za-z0-9+/_-]+$/.test(f)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('a hostile AnalysisRun', () => {
  let server: LocalServer;
  let sandbox: CelSandbox;
  let deps: AnalysisRunDeps;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const key = String(req.headers['x-api-key'] ?? '');
      const forms = encodings(key);
      if (req.url.startsWith('/echo')) return sendJson(res, 200, { echo: key, forms, url: req.url, rate: [0.1] });
      if (req.url.startsWith('/fail')) return sendJson(res, 500, { error: `bad key ${forms.join(' ')}` });
      if (req.url.startsWith('/moved')) {
        res.writeHead(301, { location: `http://elsewhere/?k=${encodeURIComponent(key)}` });
        return void res.end();
      }
      return sendJson(res, 200, [0.1]);
    });
    sandbox = new CelSandbox({ timeoutMs: 2_000 });
    deps = {
      providers: [createWebProvider({ egress: createEgressPolicy({ allow: ['127.0.0.0/8'] }) })],
      conditions: sandbox,
      now: () => new Date(),
      readSecret: () => Promise.resolve(SECRET),
    };
  });
  afterAll(async () => {
    await sandbox.close();
    await server.close();
  });

  const secretArgs = [{ name: 'key', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
  const headers = [{ key: 'X-Api-Key', value: '{{args.key}}' }];

  function expectNoSecret(status: unknown): void {
    const json = JSON.stringify(status);
    for (const form of encodings(SECRET)) expect({ form, found: json.includes(form) || json.includes(JSON.stringify(form).slice(1, -1)) }).toEqual({ form, found: false });
  }

  test('an injected `0.0 || true` threshold is a value: the gate still fails', async () => {
    const status = (await reconcileAnalysisRun(run(
      [{ name: 'gate', consecutiveErrorLimit: 0, successCondition: 'result[0] >= {{args.threshold}}', provider: { web: { url: `${server.address}/rate` } } }],
      [{ name: 'threshold', value: '0.0 || true' }],
    ), deps)).status;
    expect(status.phase).toBe('Error');
    expect(status.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Error', message: expect.stringContaining('failed to evaluate') });
  }, 60_000);

  test('a typed threshold still works', async () => {
    const status = (await reconcileAnalysisRun(run(
      [{ name: 'gate', successCondition: 'result[0] >= {{args.threshold}}', provider: { web: { url: `${server.address}/rate` } } }],
      [{ name: 'threshold', value: '0.05' }],
    ), deps)).status;
    expect(status.phase).toBe('Successful');
    expect(status.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Successful', value: '[0.1]' });
  }, 60_000);

  test.each<[string, Partial<MetricInput>]>([
    ['echoed in the selected value', { successCondition: 'true', provider: { web: { url: `/echo?token={{args.key}}`, headers, jsonPath: '$.forms' } } }],
    ['echoed as a scalar', { successCondition: 'true', provider: { web: { url: `/echo?token={{args.key}}`, headers, jsonPath: '$.url' } } }],
    ['in an error body', { successCondition: 'true', provider: { web: { url: `/fail?token={{args.key}}`, headers } } }],
    ['in a redirect location', { successCondition: 'true', provider: { web: { url: `/moved`, headers } } }],
    ['in a CEL error message', { successCondition: 'result[result.echo] > 0', provider: { web: { url: `/echo`, headers } } }],
    ['in a returned non-bool', { successCondition: 'result.echo', provider: { web: { url: `/echo`, headers } } }],
  ])('a secret %s never reaches status', async (_name, fields) => {
    const web = (fields.provider as { web: { url: string } }).web;
    const metric = { name: 'm', ...fields, provider: { web: { ...web, url: `${server.address}${web.url}` } } } as MetricInput;
    const status = (await reconcileAnalysisRun(run([metric], secretArgs), deps)).status;
    expect(status.metricResults[0]!.measurements).toHaveLength(1);
    expectNoSecret(status);
  }, 60_000);

  test('a condition that reads a secret arg is refused without evaluating it', async () => {
    const status = (await reconcileAnalysisRun(run(
      [{ name: 'm', successCondition: '"{{args.key}}".startsWith("s")', provider: { web: { url: `${server.address}/rate` } } }],
      secretArgs,
    ), deps)).status;
    expect(status).toMatchObject({ phase: 'Error', message: expect.stringContaining('argument "key" comes from a Secret and cannot be used in a condition') });
    expectNoSecret(status);
  });

  test('a whole response without jsonPath is not recorded, and a long value is truncated', async () => {
    const whole = (await reconcileAnalysisRun(run([{ name: 'm', successCondition: 'true', provider: { web: { url: `${server.address}/echo`, headers } } }], secretArgs), deps)).status;
    expect(whole.metricResults[0]!.measurements[0]!.value).toBe('(a map, not recorded: select a value with jsonPath)');
    const long = (await reconcileAnalysisRun(run([{ name: 'm', successCondition: 'true', provider: { web: { url: `${server.address}/echo?${'p'.repeat(400)}`, jsonPath: '$.url' } } }], []), deps)).status;
    expect(long.metricResults[0]!.measurements[0]!.value).toMatch(/^"\/echo\?p+… \(\d+ characters, truncated\)$/);
    expect(long.metricResults[0]!.measurements[0]!.value!.length).toBeLessThan(320);
  }, 60_000);
});
