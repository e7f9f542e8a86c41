/**
 * Issue 15: a Mapping apiVersion the cluster does not serve never stops the controller. It becomes
 * ready, reconciles a Rollout without traffic routing as usual, and gives the Rollout that routes
 * through Ambassador an InvalidSpec condition and a Warning Event naming the problem. (The Mapping
 * CRD is shared by every test file, so an unserved version stands in for a missing CRD.)
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { readCounterTotal, startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { autoMappingVersion, servedMappingVersions } from './served-mapping-versions.js';

/** The Ambassador example, its base Mapping in a version this cluster serves. */
function exampleDocs(tweaks: Parameters<typeof tweakExample>[1]): Obj[] {
  return tweakExample(loadExample('canary-ambassador'), tweaks).map((doc) => (doc.kind === 'Mapping' ? { ...doc, apiVersion: autoMappingVersion() } : doc));
}

jest.setTimeout(120_000);

const plainNs = useTestNamespace('mapping-unserved-plain');
const routedNs = useTestNamespace('mapping-unserved-routed');
let controller: ControllerProcess;
let url = '';

beforeAll(async () => {
  controller = startController({ namespace: plainNs.name, flags: ['--namespace', routedNs.name, '--ambassador-api-version', 'getambassador.io/v9'] });
  url = await controller.probesUrl();
  await applyDocs(plainNs.name, exampleDocs({ replicas: 2, trafficRouting: false, steps: [{ setWeight: 50 }] }));
  await applyDocs(routedNs.name, exampleDocs({ replicas: 2 }));
});

afterAll(async () => {
  await controller?.stop();
});

test('ready, although the Mapping informer can never start', async () => {
  const ready = await waitFor(async () => {
    const response = await fetch(`${url}/readyz`);
    return response.status === 200 ? response : undefined;
  }, { timeoutMs: 30_000, description: '/readyz 200' });
  expect(ready.status).toBe(200);
  expect(await ready.text()).toMatch(/^ok: Mapping apiVersion not chosen \(.*v9.*\)\n$/);
});

test('a Rollout without traffic routing is reconciled: Healthy, then a new revision rolls out', async () => {
  const view = new ClusterView(plainNs.kc, plainNs.name);
  const first = await waitFor(async () => {
    const s = (await view.rollout()).status as Obj | undefined;
    return s?.phase === 'Healthy' && s.availableReplicas === 2 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'plain Rollout Healthy' });
  await setImage(plainNs.name, 'kanary/demo-app:v2');
  await waitFor(async () => {
    const s = (await view.rollout()).status as Obj | undefined;
    return s?.phase === 'Healthy' && s.stableRS !== first.stableRS && s.stableRS === s.currentPodHash;
  }, { timeoutMs: 60_000, description: 'plain Rollout promoted to v2' });
});

test('the routed Rollout gets a condition and an Event naming the unserved version, and no Mapping is written', async () => {
  const view = new ClusterView(routedNs.kc, routedNs.name);
  const condition = await waitFor(async () => {
    const conditions = ((await view.rollout()).status?.conditions ?? []) as Obj[];
    return conditions.find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  }, { timeoutMs: 60_000, description: 'InvalidSpec condition' });
  expect(condition.message).toContain('Mapping apiVersion getambassador.io/v9 (--ambassador-api-version) is not served');
  expect(condition.message).toContain(`the cluster serves ${servedMappingVersions().join(', ')}`);
  expect((await view.rollout()).status?.phase).toBe('Degraded');
  const core = routedNs.kc.makeApiClient(k8s.CoreV1Api);
  const event = await waitFor(async () => {
    const events = await core.listNamespacedEvent({ namespace: routedNs.name });
    return events.items.find((e) => e.reason === 'InvalidSpec' && e.involvedObject.name === 'demo');
  }, { timeoutMs: 20_000, description: 'InvalidSpec Event' });
  expect(event.type).toBe('Warning');
  expect(event.message).toContain('getambassador.io/v9');
  expect(await view.mapping('demo-canary')).toBeUndefined();
  expect(await readCounterTotal(url, 'kanary_kubernetes_requests_total', (l) => l.includes('resource="mappings"') && !l.includes('verb="discover"'))).toBe(0);
});

test('the log says the Mapping API is unavailable and why', () => {
  const lines = controller.logs.flatMap((line) => { try { return [JSON.parse(line) as Obj]; } catch { return []; } });
  const warning = lines.find((l) => l.msg === 'Mapping API unavailable; Rollouts with Ambassador routing wait for it');
  expect(warning?.problem).toContain('getambassador.io/v9');
  expect(lines.some((l) => l.msg === 'Mapping apiVersion chosen')).toBe(false);
});
