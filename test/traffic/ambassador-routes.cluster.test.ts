// Header and mirror route Mappings written by the Ambassador router against the real local API
// server with Emissary's Mapping CRD and conversion webhook, in each served apiVersion: created,
// compared (no request when unchanged), trimmed to what is wanted, removed; and read back through
// the other apiVersion with their match fields intact.
import { AMBASSADOR_GROUP } from '../../src/api/labels.js';
import type { Rollout } from '../../src/api/rollout.js';
import { withFingerprint, type ManagedRoute } from '../../src/core/managed-routes.js';
import { AmbassadorTrafficRouter } from '../../src/traffic/ambassador.js';
import { servedMappingVersions } from '../controller/served-mapping-versions.js';
import { getLiveMapping, snapshotMappings, versionOf } from './live-mappings.js';
import { createKubeFixture, createTestRollout, deleteKubeFixture, type KubeFixture } from '../kube/kube-fixture.js';

let fx: KubeFixture;

beforeAll(async () => {
  fx = await createKubeFixture('traffic-routes');
});

afterAll(async () => {
  await deleteKubeFixture(fx);
});

const getMapping = (apiVersion: string, name: string) => getLiveMapping(fx, apiVersion, name);
const snapshot = (apiVersion: string, names: string[]) => snapshotMappings(fx, apiVersion, names);

const HEADER: ManagedRoute = { kind: 'header', name: 'beta', precedence: 2, headers: [{ header: 'x-canary', type: 'exact', value: 'yes' }, { header: 'user', type: 'prefix', value: 'qa-' }] };
const MIRROR: ManagedRoute = { kind: 'mirror', name: 'copy', precedence: 1, percentage: 30, matches: [{ method: { type: 'exact', value: 'GET' }, headers: [] }] };

const CASES: Array<[string, string, Record<string, unknown>]> = [
  ['getambassador.io/v2', 'rt-v2', { prefix: '/v2/', host: 'shop.example.com', service: 'rt-v2-stable:80', headers: { 'x-tenant': 'a' } }],
  ['getambassador.io/v3alpha1', 'rt-v3', { prefix: '/v3/', hostname: 'shop.example.com', service: 'rt-v3-stable:8080', headers: { 'x-tenant': 'a' } }],
];

describe.each(CASES.filter(([apiVersion]) => servedMappingVersions().includes(apiVersion)))('%s', (apiVersion, name, baseSpec) => {
  let rollout: Rollout;
  const header = `${name}-beta-header`;
  const shadow = `${name}-copy-mirror-0`;
  const primary = `${name}-copy-mirror-0-primary`;
  const names = [name, header, shadow, primary];
  const router = async () => new AmbassadorTrafficRouter({ clients: fx.clients, cache: await snapshot(apiVersion, names), clock: { now: () => 0 }, defaultApiVersion: apiVersion });

  beforeAll(async () => {
    const created = await createTestRollout(fx, name);
    const canary = created.spec.strategy.canary ?? {};
    rollout = {
      ...created,
      spec: { ...created.spec, strategy: { canary: { ...canary, trafficRouting: { ambassador: { mappings: [name] }, managedRoutes: [{ name: 'beta' }, { name: 'copy' }] }, steps: [{ setMirrorRoute: { name: 'copy', match: [{ method: { exact: 'GET' } }] } }] } } },
    } as Rollout;
    await fx.clients.custom.createNamespacedCustomObject({
      group: AMBASSADOR_GROUP,
      version: versionOf(apiVersion),
      namespace: fx.namespace,
      plural: 'mappings',
      body: { apiVersion, kind: 'Mapping', metadata: { name, namespace: fx.namespace }, spec: baseSpec },
    });
  });

  test('a header route and a narrowed mirror route: their Mappings created, owned, with the match fields', async () => {
    await (await router()).setManagedRoutes(rollout, [withFingerprint(HEADER), withFingerprint(MIRROR)]);
    // The base as this apiVersion reads it (a v3alpha1 read through the conversion adds ambassador_id).
    const live = (await getMapping(apiVersion, name))?.spec ?? {};
    expect(live).toMatchObject(baseSpec);
    const canaryService = String(baseSpec.service).replace('stable', 'canary');
    expect((await getMapping(apiVersion, header))?.spec).toEqual({ ...live, service: canaryService, headers: { 'x-tenant': 'a', 'x-canary': 'yes' }, regex_headers: { user: 'qa-.*' }, precedence: 2 });
    expect((await getMapping(apiVersion, shadow))?.spec).toEqual({ ...live, service: canaryService, method: 'GET', precedence: 1, shadow: true, weight: 30 });
    expect((await getMapping(apiVersion, primary))?.spec).toEqual({ ...live, method: 'GET', precedence: 1 });
    for (const n of [header, shadow, primary]) {
      expect((await getMapping(apiVersion, n))?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name, uid: rollout.metadata.uid, controller: true })]);
    }
  });

  test('observe reports both routes; setting them again makes no request', async () => {
    const r = await router();
    expect(r.observe(rollout).routes).toEqual([
      { name: 'beta', kind: 'header', fingerprint: withFingerprint(HEADER).fingerprint },
      { name: 'copy', kind: 'mirror', fingerprint: withFingerprint(MIRROR).fingerprint },
    ]);
    const count = fx.requests.length;
    await r.setManagedRoutes(rollout, [withFingerprint(HEADER), withFingerprint(MIRROR)]);
    expect(fx.requests.length).toBe(count);
  });

  test('the other served apiVersion reads the same match fields (conversion)', async () => {
    const other = servedMappingVersions().find((v) => v !== apiVersion && v.startsWith('getambassador.io/'));
    if (other === undefined) return;
    const seen = await getMapping(other, header);
    expect(seen?.spec).toMatchObject({ headers: { 'x-tenant': 'a', 'x-canary': 'yes' }, regex_headers: { user: 'qa-.*' }, precedence: 2 });
    expect((await getMapping(other, shadow))?.spec).toMatchObject({ shadow: true, weight: 30, method: 'GET' });
  });

  test('dropping the mirror deletes its two Mappings only; dropping all deletes the rest', async () => {
    await (await router()).setManagedRoutes(rollout, [withFingerprint(HEADER)]);
    expect(await getMapping(apiVersion, shadow)).toBeUndefined();
    expect(await getMapping(apiVersion, primary)).toBeUndefined();
    expect(await getMapping(apiVersion, header)).toBeDefined();
    await (await router()).setManagedRoutes(rollout, []);
    expect(await getMapping(apiVersion, header)).toBeUndefined();
    expect(await getMapping(apiVersion, name)).toBeDefined();
    expect((await router()).observe(rollout).routes).toBeUndefined();
  });
});
