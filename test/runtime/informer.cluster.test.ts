import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { createSystemClock } from '../../src/runtime/clock.js';
import { makeCustomObjectListFn } from '../../src/runtime/custom-object-list.js';
import { ResourceInformer, type ChangeType } from '../../src/runtime/informer.js';
import { InformerSupervisor } from '../../src/runtime/informer-supervisor.js';
import { createSilentLogger } from '../../src/telemetry/logger.js';
import { proxiedKubeConfig, type TcpProxy } from './tcp-proxy.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('runtime-informer');
const logger = createSilentLogger();
const clock = createSystemClock();

function serviceBody(name: string, labels: Record<string, string> = {}): k8s.V1Service {
  return { metadata: { name, labels }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
}

interface Seen { type: ChangeType; name: string; }

function record<T extends k8s.KubernetesObject>(informer: ResourceInformer<T>): Seen[] {
  const seen: Seen[] = [];
  informer.onChange((obj, type) => seen.push({ type, name: obj.metadata?.name ?? '' }));
  return seen;
}

describe('ResourceInformer against the local API server', () => {
  let supervisor: InformerSupervisor | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    await proxy?.stop();
    supervisor = undefined;
    proxy = undefined;
  });

  test('services (core group): synced after the first list, then add, update and delete are seen and cached', async () => {
    const core = ns.kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('before') });
    supervisor = new InformerSupervisor({ clock, logger });
    const informer = supervisor.add(new ResourceInformer<k8s.V1Service>({
      kubeConfig: ns.kc, resource: { group: '', version: 'v1', plural: 'services', namespace: ns.name }, logger,
    }));
    const seen = record(informer);
    expect(informer.synced).toBe(false);
    await supervisor.start();
    expect(await supervisor.waitForSync(30_000)).toBe(true);
    expect(informer.synced).toBe(true);
    expect(informer.get(ns.name, 'before')?.metadata?.name).toBe('before');
    expect(typeof informer.get(ns.name, 'before')?.metadata?.creationTimestamp).toBe('string');

    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('web') });
    await waitFor(() => informer.get(ns.name, 'web'), { timeoutMs: 20_000, description: 'web in the cache' });
    await core.patchNamespacedService(
      { namespace: ns.name, name: 'web', body: { metadata: { annotations: { step: '2' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor(() => informer.get(ns.name, 'web')?.metadata?.annotations?.step === '2', { timeoutMs: 20_000, description: 'the update' });
    await core.deleteNamespacedService({ namespace: ns.name, name: 'web' });
    await waitFor(() => informer.get(ns.name, 'web') === undefined, { timeoutMs: 20_000, description: 'the delete' });

    expect(seen).toEqual([
      { type: 'add', name: 'before' },
      { type: 'add', name: 'web' },
      { type: 'update', name: 'web' },
      { type: 'delete', name: 'web' },
    ]);
    expect(informer.list(ns.name).map((s) => s.metadata?.name)).toEqual(['before']);
    expect(informer.list('some-other-namespace')).toEqual([]);
  });

  test('label selector scopes the cache', async () => {
    const core = ns.kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('mine', { team: 'kanary' }) });
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('theirs', { team: 'other' }) });
    supervisor = new InformerSupervisor({ clock, logger });
    const informer = supervisor.add(new ResourceInformer<k8s.V1Service>({
      kubeConfig: ns.kc, resource: { group: '', version: 'v1', plural: 'services', namespace: ns.name },
      labelSelector: 'team=kanary', logger,
    }));
    await supervisor.start();
    expect(await supervisor.waitForSync(30_000)).toBe(true);
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('mine-too', { team: 'kanary' }) });
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('theirs-too', { team: 'other' }) });
    await waitFor(() => informer.get(ns.name, 'mine-too'), { timeoutMs: 20_000, description: 'mine-too' });
    expect(informer.list(ns.name).map((s) => s.metadata?.name).sort()).toEqual(['mine', 'mine-too']);
  });

  test('custom resources (getambassador.io/v2 Mappings) through CustomObjectsApi', async () => {
    const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
    const ref = { group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: ns.name };
    supervisor = new InformerSupervisor({ clock, logger });
    const informer = supervisor.add(new ResourceInformer<k8s.KubernetesObject & { spec?: { prefix?: string } }>({
      kubeConfig: ns.kc, resource: ref, listFn: makeCustomObjectListFn(custom, ref), logger,
    }));
    const seen = record(informer);
    await supervisor.start();
    expect(await supervisor.waitForSync(30_000)).toBe(true);
    await custom.createNamespacedCustomObject({
      group: ref.group, version: ref.version, plural: ref.plural, namespace: ns.name,
      body: { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'web' }, spec: { prefix: '/web/', service: 'web:80' } },
    });
    const cached = await waitFor(() => informer.get(ns.name, 'web'), { timeoutMs: 20_000, description: 'the Mapping' });
    expect(cached.spec?.prefix).toBe('/web/');
    expect(seen).toEqual([{ type: 'add', name: 'web' }]);
  });

  test('after the connection to the API server is cut, the informer restarts with backoff and catches up', async () => {
    const core = ns.kc.makeApiClient(k8s.CoreV1Api);
    const viaProxy = await proxiedKubeConfig(ns.kc);
    proxy = viaProxy.proxy;
    supervisor = new InformerSupervisor({ clock, logger, backoff: { baseMs: 50, maxMs: 500 } });
    const name = 'services/v1 in ' + ns.name;
    const informer = supervisor.add(new ResourceInformer<k8s.V1Service>({
      kubeConfig: viaProxy.kc, resource: { group: '', version: 'v1', plural: 'services', namespace: ns.name }, logger,
    }));
    await supervisor.start();
    expect(await supervisor.waitForSync(30_000)).toBe(true);

    await proxy.cut();
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('during-outage') });
    await waitFor(() => (supervisor?.restartCount(name) ?? 0) >= 2, { timeoutMs: 20_000, description: 'failed restarts' });
    expect(informer.get(ns.name, 'during-outage')).toBeUndefined();

    await proxy.restore();
    await waitFor(() => informer.get(ns.name, 'during-outage'), { timeoutMs: 30_000, description: 'catch-up after restore' });
    await core.createNamespacedService({ namespace: ns.name, body: serviceBody('after-outage') });
    await waitFor(() => informer.get(ns.name, 'after-outage'), { timeoutMs: 20_000, description: 'watch after restore' });
    expect(informer.synced).toBe(true);
  });
});
