/**
 * Emissary 3.10's CRDs on the local cluster with kanary-emissary-conversion (following Emissary
 * 3.10's documented v2⇄v3alpha1 field mapping; not Emissary's own apiext): what v2 and v3alpha1
 * clients read, and what a stopped webhook does to v3alpha1 requests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as yaml from 'js-yaml';
import { pointConversionWebhook } from '../../../src/sandbox/cluster/mapping-crd.js';
import { pkiFiles } from '../../../src/sandbox/cluster/pki-plan.js';
import { AMBASSADOR_ID_MANGLE } from '../../../src/sandbox/emissary-conversion/mapping-conversion.js';
import { type ConversionWebhook, startConversionWebhook } from '../../../src/sandbox/emissary-conversion/webhook-server.js';
import { kubectl, testKubeconfigPath, useTestNamespace, waitFor } from '../../harness/cluster.js';

type Obj = Record<string, unknown>;

const ns = useTestNamespace('emissary-conversion');
const T = 60_000;

async function apply(manifest: Obj): Promise<void> {
  await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(manifest) });
}

async function read(resource: string, name: string): Promise<Obj> {
  const out = await kubectl(['get', resource, name, '-n', ns.name, '-o', 'json']);
  return JSON.parse(out.stdout) as Obj;
}

const v2 = (name: string): Promise<Obj> => read('mappings.v2.getambassador.io', name);
const v3 = (name: string): Promise<Obj> => read('mappings.v3alpha1.getambassador.io', name);
const spec = (object: Obj): Obj => object.spec as Obj;

function v3Mapping(name: string, fields: Obj): Obj {
  return { apiVersion: 'getambassador.io/v3alpha1', kind: 'Mapping', metadata: { name, labels: { app: 'shop', tier: 'edge' } }, spec: fields };
}

/** Every Mapping field Kanary reads or writes. */
const kanaryFields: Obj = {
  prefix: '/shop/',
  service: 'shop-canary:80',
  weight: 30,
  headers: { 'x-canary': 'yes' },
  precedence: 5,
  stats_name: 'shop_canary',
  labels: { ambassador: [{ request_label_group: [{ generic_key: { value: 'shop' } }] }] },
};

test('the cluster serves Emissary 3.10 CRDs: Mapping stored as v2, converted by the webhook', async () => {
  const crd = JSON.parse((await kubectl(['get', 'crd', 'mappings.getambassador.io', '-o', 'json'])).stdout) as Obj;
  const crdSpec = crd.spec as { versions: { name: string; storage: boolean }[]; conversion: { strategy: string; webhook: { clientConfig: { url: string } } } };
  expect(crdSpec.versions.filter((v) => v.storage).map((v) => v.name)).toEqual(['v2']);
  expect(crdSpec.conversion.strategy).toBe('Webhook');
  expect(crdSpec.conversion.webhook.clientConfig.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/webhooks\/crd-convert$/);
}, T);

test('a v3alpha1 Mapping with hostname "*" reads back as v2 without a host', async () => {
  await apply(v3Mapping('star', { hostname: '*', prefix: '/star/', service: 'shop:80' }));
  const got = spec(await v2('star'));
  expect(got).toEqual({ prefix: '/star/', service: 'shop:80', ambassador_id: [`${AMBASSADOR_ID_MANGLE}default`] });
}, T);

test('a v3alpha1 Mapping with a hostname reads back as v2 host; one with neither as the empty-host marker', async () => {
  await apply(v3Mapping('named', { hostname: 'shop.example.com', prefix: '/named/', service: 'shop:80' }));
  await apply(v3Mapping('nohost', { prefix: '/nohost/', service: 'shop:80' }));
  expect(spec(await v2('named')).host).toBe('shop.example.com');
  expect(spec(await v2('named')).hostname).toBeUndefined();
  expect(spec(await v2('nohost')).host).toBe('_skip_mapping_with_empty_host_');
  expect(spec(await v3('nohost')).hostname).toBeUndefined();
}, T);

test('a v2 Mapping reads back as v3alpha1', async () => {
  await apply({
    apiVersion: 'getambassador.io/v2',
    kind: 'Mapping',
    metadata: { name: 'from-v2' },
    spec: { host: 'shop.example.com', prefix: '/v2/', service: 'shop:80', headers: { 'x-any': true, 'x-canary': 'yes' }, v3StatsName: 'shop_v2', tls: true },
  });
  expect(spec(await v3('from-v2'))).toEqual({
    hostname: 'shop.example.com',
    prefix: '/v2/',
    service: 'https://shop:80',
    headers: { 'x-canary': 'yes' },
    regex_headers: { 'x-any': '.*' },
    v2BoolHeaders: ['x-any'],
    stats_name: 'shop_v2',
    v2ExplicitTLS: { tls: 'bool:true', serviceScheme: '' },
  });
  const noHost = { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'from-v2-nohost' }, spec: { prefix: '/', service: 's:80' } };
  await apply(noHost);
  expect(spec(await v3('from-v2-nohost')).hostname).toBe('*');
}, T);

test('a v3alpha1 round trip, with a v2 write in between, keeps every field Kanary uses', async () => {
  await apply(v3Mapping('roundtrip', { hostname: 'shop.example.com', ...kanaryFields }));
  const stored = spec(await v2('roundtrip'));
  expect(stored).toMatchObject({ host: 'shop.example.com', v3StatsName: 'shop_canary', weight: 30, precedence: 5 });
  // A v2 client (Kanary with --ambassador-api-version getambassador.io/v2) changes the weight.
  await kubectl(['patch', 'mappings.v2.getambassador.io', 'roundtrip', '-n', ns.name, '--type', 'merge', '-p', '{"spec":{"weight":50}}']);
  const back = await v3('roundtrip');
  expect(spec(back)).toEqual({ hostname: 'shop.example.com', ...kanaryFields, weight: 50, ambassador_id: ['default'] });
  expect((back.metadata as Obj).labels).toEqual({ app: 'shop', tier: 'edge' });
}, T);

test('a v2 round trip through a v3alpha1 write keeps every field Kanary uses', async () => {
  const fields = { host: 'shop.example.com', prefix: '/v2rt/', service: 'shop:80', weight: 10, headers: { 'x-canary': 'yes' }, precedence: 2, v3StatsName: 'shop_stable' };
  await apply({ apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'v2rt', labels: { app: 'shop' } }, spec: fields });
  await kubectl(['patch', 'mappings.v3alpha1.getambassador.io', 'v2rt', '-n', ns.name, '--type', 'merge', '-p', '{"spec":{"weight":20}}']);
  const back = await v2('v2rt');
  expect(spec(back)).toEqual({ ...fields, weight: 20, ambassador_id: [`${AMBASSADOR_ID_MANGLE}default`] });
  expect((back.metadata as Obj).labels).toEqual({ app: 'shop' });
}, T);

describe('a stopped conversion webhook', () => {
  // The cluster's own webhook serves every test file at once, so this uses a copy of Emissary's
  // Mapping CRD under its own group, converted by a kanary-emissary-conversion server started here
  // with the cluster's webhook certificate.
  const group = `down-${process.pid}.kanary.dev`;
  const crdName = `mappings.${group}`;
  let webhook: ConversionWebhook | undefined;
  const pki = pkiFiles(join(dirname(testKubeconfigPath()), 'pki'));
  const pems = (): { certPem: string; keyPem: string } => ({ certPem: readFileSync(pki.conversionCert, 'utf8'), keyPem: readFileSync(pki.conversionKey, 'utf8') });

  afterAll(async () => {
    await webhook?.close();
    await kubectl(['delete', 'crd', crdName, '--ignore-not-found', '--wait=false'], { allowFailure: true });
  });

  test('v3alpha1 requests fail with the API server\'s message, v2 still works, and v3alpha1 recovers when it is back', async () => {
    webhook = await startConversionWebhook(pems());
    const port = webhook.port;
    const vendored = (yaml.loadAll(readFileSync(join(process.cwd(), 'vendor', 'emissary-3.10.0-crds.yaml'), 'utf8')) as Obj[])
      .find((crd) => (crd.metadata as Obj).name === 'mappings.getambassador.io') as Obj;
    const copy = pointConversionWebhook(
      { ...vendored, metadata: { name: crdName }, spec: { ...(vendored.spec as Obj), group } },
      { url: webhook.url, caPem: readFileSync(pki.caCert, 'utf8') },
    );
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(copy) });
    await kubectl(['wait', '--for', 'condition=Established', `crd/${crdName}`, '--timeout=30s']);
    const manifest = { apiVersion: `${group}/v3alpha1`, kind: 'Mapping', metadata: { name: 'down' }, spec: { hostname: 'a.example', prefix: '/down/', service: 's:80' } };
    await waitFor(async () => (await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(manifest), allowFailure: true })).code === 0, {
      timeoutMs: 30_000,
      description: 'the copied CRD to accept a v3alpha1 Mapping',
    });

    await webhook.close();
    const failed = await kubectl(['get', `mappings.v3alpha1.${group}`, 'down', '-n', ns.name, '-o', 'json'], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain(`conversion webhook for ${group}/v2, Kind=Mapping failed`);
    expect(failed.stderr).toContain('connection refused');
    const stored = JSON.parse((await kubectl(['get', `mappings.v2.${group}`, 'down', '-n', ns.name, '-o', 'json'])).stdout) as Obj;
    expect(spec(stored).host).toBe('a.example');

    webhook = await startConversionWebhook({ ...pems(), port });
    const recovered = await waitFor(async () => {
      const got = await kubectl(['get', `mappings.v3alpha1.${group}`, 'down', '-n', ns.name, '-o', 'json'], { allowFailure: true });
      return got.code === 0 ? (JSON.parse(got.stdout) as Obj) : undefined;
    }, { timeoutMs: 30_000, description: 'v3alpha1 reads to work again' });
    expect(spec(recovered).hostname).toBe('a.example');
  }, 120_000);
});
