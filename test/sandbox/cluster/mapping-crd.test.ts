import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { loadEmissaryCrds } from '../../../src/sandbox/cluster/crd-install.js';
import { EMISSARY_CRD_FILES, pointConversionWebhook, usesConversionWebhook } from '../../../src/sandbox/cluster/mapping-crd.js';

type Obj = Record<string, unknown>;

function vendored(version: 3 | 4): Obj[] {
  const text = readFileSync(join(process.cwd(), 'vendor', EMISSARY_CRD_FILES[version]), 'utf8');
  return yaml.loadAll(text) as Obj[];
}

const name = (crd: Obj): string => String((crd.metadata as Obj).name);
const spec = (crd: Obj): Obj => crd.spec as Obj;
const versions = (crd: Obj): Obj[] => spec(crd).versions as Obj[];
const storage = (crd: Obj): string[] => versions(crd).filter((v) => v.storage === true).map((v) => String(v.name));
const KINDS = [
  'authservices', 'consulresolvers', 'devportals', 'hosts', 'kubernetesendpointresolvers', 'kubernetesserviceresolvers',
  'listeners', 'logservices', 'mappings', 'modules', 'ratelimitservices', 'tcpmappings', 'tlscontexts', 'tracingservices',
].map((plural) => `${plural}.getambassador.io`);
const client = { url: 'https://127.0.0.1:4443/webhooks/crd-convert', caPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n' };

describe('vendored Emissary CRDs', () => {
  test.each([3, 4] as const)('Emissary %i ships every getambassador.io kind', (version) => {
    expect(vendored(version).map(name).sort()).toEqual(KINDS);
  });

  test('3.10: v2 is stored, v3alpha1 served, every kind but Listener converts through a webhook', () => {
    for (const crd of vendored(3)) {
      const served = versions(crd).map((v) => v.name);
      expect(served).toContain('v3alpha1');
      if (name(crd) === 'listeners.getambassador.io') {
        expect(storage(crd)).toEqual(['v3alpha1']);
        expect(usesConversionWebhook(crd)).toBe(false);
      } else {
        expect(storage(crd)).toEqual(['v2']);
        expect(usesConversionWebhook(crd)).toBe(true);
      }
    }
  });

  test('4.1: v3alpha1 only, stored, no conversion', () => {
    for (const crd of vendored(4)) {
      expect(versions(crd).map((v) => v.name)).toEqual(['v3alpha1']);
      expect(storage(crd)).toEqual(['v3alpha1']);
      expect(spec(crd).conversion).toBeUndefined();
    }
  });
});

describe('pointConversionWebhook', () => {
  const mapping = vendored(3).find((crd) => name(crd) === 'mappings.getambassador.io') as Obj;

  test('replaces the emissary-apiext Service with the local url and the CA bundle', () => {
    const pointed = pointConversionWebhook(mapping, client);
    expect(spec(pointed).conversion).toEqual({
      strategy: 'Webhook',
      webhook: {
        clientConfig: { url: client.url, caBundle: Buffer.from(client.caPem).toString('base64') },
        conversionReviewVersions: ['v1'],
      },
    });
  });

  test('leaves the schemas exactly as shipped and does not modify its input', () => {
    const before = JSON.stringify(mapping);
    const pointed = pointConversionWebhook(mapping, client);
    expect(versions(pointed)).toEqual(versions(mapping));
    expect(JSON.stringify(mapping)).toBe(before);
  });

  test('a CRD without a webhook is returned unchanged', () => {
    const listener = vendored(3).find((crd) => name(crd) === 'listeners.getambassador.io') as Obj;
    expect(pointConversionWebhook(listener, client)).toBe(listener);
  });
});

describe('loadEmissaryCrds', () => {
  test('Emissary 3 without a webhook is refused', async () => {
    await expect(loadEmissaryCrds(process.cwd(), { version: 3 })).rejects.toThrow(/need a conversion webhook: authservices/);
  });

  test('Emissary 3 with a webhook: every converting CRD points at it', async () => {
    const sources = await loadEmissaryCrds(process.cwd(), { version: 3, webhook: client });
    const urls = sources.filter((s) => usesConversionWebhook(s.crd)).map((s) => {
      const webhook = (spec(s.crd).conversion as Obj).webhook as Obj;
      return (webhook.clientConfig as Obj).url;
    });
    expect(urls).toHaveLength(13);
    expect(new Set(urls)).toEqual(new Set([client.url]));
  });

  test('Emissary 4 needs no webhook', async () => {
    const sources = await loadEmissaryCrds(process.cwd(), { version: 4 });
    expect(sources).toHaveLength(14);
  });
});
