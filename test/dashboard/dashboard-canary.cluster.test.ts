/**
 * A real canary seen and driven from the browser: the real controller moves the example from v1
 * to v2; the page shows each step (and its weight) within a second of the Rollout changing in the
 * API, and Promote (confirmed in the dialog) advances the paused Rollout.
 *
 * Without traffic routing: on this sandbox the canary readiness gate waits for EndpointSlices,
 * which the API server refuses to fill with the simulated pods' loopback IPs, so a Mapping-routed
 * canary never leaves weight 0 here. The shown weight is then the canary's share of available pods.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { testKubeconfigPath } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';
import { launchBrowser, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('dash-canary');
let controller: ControllerProcess | undefined;
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let view: ClusterView;
let stopWatch: (() => void) | undefined;
/** When a watch on the Rollout first saw each status.currentStepIndex (once v2 is current). */
const apiStepTimes = new Map<number, number>();

async function watchRolloutSteps(): Promise<void> {
  const watch = new k8s.Watch(ns.kc);
  const request = await watch.watch(`/apis/kanary.dev/v1alpha1/namespaces/${ns.name}/rollouts`, {}, (_type, obj: Obj) => {
    const index = obj.status?.currentStepIndex;
    const canary = obj.status?.stableRS !== obj.status?.currentPodHash;
    if (canary && typeof index === 'number' && !apiStepTimes.has(index)) apiStepTimes.set(index, Date.now());
  }, () => undefined);
  stopWatch = () => request.abort();
}

/** When the page first showed `text` in field `testId` (recorded in the page by a MutationObserver). */
async function pageTime(testId: string, text: string): Promise<number> {
  await page.locator(`header [data-testid="${testId}"]`, { hasText: text }).waitFor({ timeout: 60_000 });
  return page.evaluate((key) => (window as unknown as { seen: Record<string, number> }).seen[key] ?? -1, `${testId}:${text}`);
}

async function status(): Promise<Obj> {
  return (await view.rollout()).status ?? {};
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 4, trafficRouting: false }));
  await waitFor(async () => ((await status()).phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v1' });
  await watchRolloutSteps();
  dashboard = await startDashboard(['-n', ns.name, '--kubeconfig', testKubeconfigPath()]);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${dashboard.url}#/rollouts/${ns.name}/demo`);
  await page.locator('header [data-testid="weight"]').waitFor({ timeout: 10_000 });
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { seen: Record<string, number> }).seen = seen;
    const record = () => {
      for (const id of ['weight', 'set-weight', 'step']) {
        const key = `${id}:${document.querySelector(`header [data-testid="${id}"]`)?.textContent ?? ''}`;
        if (!(key in seen)) seen[key] = Date.now();
      }
    };
    new MutationObserver(record).observe(document.getElementById('main') as Node, { childList: true, subtree: true, characterData: true });
    record();
  });
});

afterAll(async () => {
  stopWatch?.();
  await browser?.close();
  await dashboard?.stop();
  await controller?.stop();
});

test('the page shows each step and its weight within a second of the Rollout changing', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const shownAt = await pageTime('step', '2/6');
  const changedAt = await waitFor(() => apiStepTimes.get(1), { timeoutMs: 10_000, description: 'step index 1 seen by the watch' });
  expect(shownAt).toBeGreaterThan(0);
  expect(shownAt - changedAt).toBeLessThan(1000);
  await page.locator('header [data-testid="set-weight"]', { hasText: '30%' }).waitFor({ timeout: 5_000 });
  await page.locator('li[data-state="current"]', { hasText: 'pause: until promoted' }).waitFor({ timeout: 30_000 });
  await page.locator('header [data-testid="weight"]', { hasText: /^[1-9]\d?%$/ }).waitFor({ timeout: 30_000 });
});

test('Promote, confirmed, advances the paused Rollout and the page follows', async () => {
  await waitFor(async () => ((await status()).phase === 'Paused' ? true : undefined), { timeoutMs: 60_000, description: 'Paused at step 2' });
  expect((await status()).currentStepIndex).toBe(1);
  await page.locator('button[data-verb="promote"]:not([disabled])').waitFor({ timeout: 10_000 });
  await page.click('button[data-verb="promote"]');
  await expect(page.locator('#confirm-text').textContent()).resolves.toContain(`Promote rollout ${ns.name}/demo?`);
  await page.click('[data-testid="confirm"]');
  await page.locator('[data-testid="action-result"][data-ok="true"]', { hasText: 'rollout "demo" promoted' }).waitFor({ timeout: 10_000 });
  await waitFor(async () => (((await status()).currentStepIndex ?? 0) >= 2 ? true : undefined), { timeoutMs: 10_000, description: 'step index 2' });
  const shownAt = await pageTime('set-weight', '60%');
  const changedAt = await waitFor(() => apiStepTimes.get(2), { timeoutMs: 10_000, description: 'step index 2 seen by the watch' });
  expect(shownAt - changedAt).toBeLessThan(1000);
  await page.locator('li[data-state="current"]', { hasText: 'pause: until promoted' }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="weight-chart"] polyline').waitFor();
  // The release journal's last decision (status.journal.lastDecision) in the header.
  await page.locator('header [data-testid="last-decision"]', { hasText: /^Last decision: PauseStarted by the controller \(step 3, revision \d+\): pause until promoted$/ }).waitFor({ timeout: 10_000 });
  // The journal list: newest first, the person's promote among the entries.
  expect(await page.locator('[data-testid="journal-entry"]').first().getAttribute('data-decision')).toBe('PauseStarted');
  const promoted = page.locator('[data-testid="journal-entry"][data-decision="Promoted"]').first();
  expect(await promoted.locator('td').nth(3).textContent()).toBe('user');
  expect(await promoted.locator('td.reason').textContent()).toMatch(/^kanary promote: pause ended; step 2 \(setWeight 60\)$/);
  await screenshot(page, 'rollout-promoted');
});

test('Cancel in the dialog sends nothing', async () => {
  const before = (await status()).currentStepIndex;
  await page.click('button[data-verb="promote"]');
  await page.click('#confirm button[value="cancel"]');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await status()).currentStepIndex).toBe(before);
  await expect(page.locator('[data-testid="action-result"]').textContent()).resolves.toContain('promoted');
});

test('a Rollout with an invalid spec is listed with its InvalidSpec message', async () => {
  const broken = tweakExample(loadExample('canary-ambassador'), { replicas: 1, trafficRouting: false })
    .filter((doc) => doc.kind === 'Rollout')
    .map((doc) => ({ ...doc, metadata: { name: 'broken' }, spec: { ...doc.spec, selector: { matchLabels: { app: 'other' } } } }));
  await applyDocs(ns.name, broken);
  const message = await waitFor(async () => {
    const conditions = ((await view.rollout('broken')).status?.conditions ?? []) as Obj[];
    return conditions.find((c) => c.type === 'InvalidSpec' && c.status === 'True')?.message as string | undefined;
  }, { timeoutMs: 30_000, description: 'InvalidSpec condition on rollout broken' });
  await page.goto(`${dashboard!.url}#/`);
  const cell = page.locator(`tr[data-key="${ns.name}/broken"] [data-testid="invalid-spec"]`);
  await cell.waitFor({ timeout: 10_000 });
  expect(await cell.textContent()).toBe(message);
  await page.goto(`${dashboard!.url}#/rollouts/${ns.name}/broken`);
  await expect(page.locator('header [data-testid="invalid-spec"]').textContent()).resolves.toBe(message);
  await screenshot(page, 'invalid-spec');
});
