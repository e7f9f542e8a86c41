/**
 * Issue 15: Emissary 3's conversion webhook stops while a controller that writes Mappings in
 * v3alpha1 (every such write goes through the webhook) is moving a canary. The Rollout says which
 * write failed and why, never claims the weight it could not write, and once the webhook answers
 * again it goes on by itself, with no restart of the controller.
 *
 * The cluster's webhook serves every test file at once, so the outage is scoped to this file's
 * namespace (src/sandbox/emissary-conversion/outage.ts): conversions of its objects get no answer,
 * as from a stopped process; everyone else's are served. Needs Emissary 3 (not in the Emissary 4 leg).
 */
import { jest } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { clusterPaths } from '../../src/sandbox/cluster/cluster-paths.js';
import { testKubeconfigPath, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { servedMappingVersions, V2, V3ALPHA1 } from './served-mapping-versions.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('webhook-outage');
const outageFile = clusterPaths(dirname(testKubeconfigPath())).conversionOutage;
let controller: ControllerProcess;
let view: ClusterView;

function setOutage(down: boolean): void {
  if (down) writeFileSync(outageFile, JSON.stringify({ namespaces: [ns.name] }));
  else rmSync(outageFile, { force: true });
}

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};
const progressing = async (): Promise<Obj | undefined> => ((await status()).conditions as Obj[] | undefined)?.find((c) => c.type === 'Progressing');

beforeAll(async () => {
  if (!servedMappingVersions().includes(V2)) throw new Error('this test needs Emissary 3 CRDs (v2 stored, v3alpha1 through the conversion webhook)');
  view = new ClusterView(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] })
    .map((doc) => (doc.kind === 'Mapping' ? { ...doc, apiVersion: V3ALPHA1 } : doc));
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name, flags: ['--ambassador-api-version', V3ALPHA1, '--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await waitFor(async () => ((await status()).phase === 'Healthy' ? true : undefined), { timeoutMs: 90_000, description: 'Healthy at v1' });
});

afterAll(async () => {
  setOutage(false);
  await controller?.stop();
});

test('while the webhook is down the Rollout names the failed Mapping write and never claims its weight', async () => {
  setOutage(true);
  await setImage(ns.name, 'kanary/demo-app:v2');
  const condition = await waitFor(async () => {
    const c = await progressing();
    return c?.reason === 'TrafficRoutingFailed' ? c : undefined;
  }, { timeoutMs: 90_000, description: 'Progressing condition TrafficRoutingFailed' });
  expect(condition.status).toBe('Unknown');
  expect(condition.message).toContain('setting the canary weight to 50% failed');
  expect(condition.message).toMatch(/conversion webhook for getambassador\.io\/v3alpha1, Kind=Mapping failed/);
  expect(condition.message).toContain('retrying');

  const s = await status();
  expect((s.canary as { weights?: { canary?: { weight?: number } } } | undefined)?.weights?.canary?.weight ?? 0).toBe(0);
  expect(await view.mapping('demo-canary')).toBeUndefined();

  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  const events = (await core.listNamespacedEvent({ namespace: ns.name })).items.filter((e) => e.reason === 'TrafficRoutingFailed');
  expect(events.length).toBe(1);
  expect(events[0]?.type).toBe('Warning');
  expect(events[0]?.message).toBe(condition.message);
});

test('once the webhook answers again the Rollout goes on by itself: a canary Mapping at 50%, paused at the step', async () => {
  setOutage(false);
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 90_000, description: 'paused at 50% after the webhook is back' });
  expect((await view.mapping('demo-canary', 'v3alpha1'))?.spec?.weight).toBe(50);
  expect((await progressing())?.reason).not.toBe('TrafficRoutingFailed');
  expect(controller.exited()).toBe(false);
});
