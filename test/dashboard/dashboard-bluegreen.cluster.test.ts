/**
 * Issue 22 on the dashboard: the blue/green example released by the real controller and watched in
 * real Chromium. The page shows which revision the active and preview Services select and where
 * the release stands; Promote (confirmed) switches the active Service and the page follows; the
 * journal lists the decisions in blue/green words; the overview shows the active revision.
 */
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { testKubeconfigPath, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, type Obj } from '../controller/rollout-fixtures.js';
import { launchBrowser, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('dash-bluegreen');
let controller: ControllerProcess | undefined;
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let view: ClusterView;

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};
const cell = (role: 'active' | 'preview') => page.locator(`[data-testid="bg-${role}"] td.revision`);

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const docs = loadExample('blue-green')
    .filter((doc) => doc.kind !== 'Mapping')
    .map((doc) => (doc.kind === 'Rollout' ? { ...doc, spec: { ...doc.spec, replicas: 2 } } : doc));
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
  await waitFor(async () => ((await status()).phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v1' });
  dashboard = await startDashboard(['-n', ns.name, '--kubeconfig', testKubeconfigPath()]);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${dashboard.url}#/rollouts/${ns.name}/demo`);
  await cell('active').filter({ hasText: 'revision 1' }).waitFor({ timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await controller?.stop();
});

test('a new revision waits behind the preview Service: the page shows both Services and the pause', async () => {
  expect(await page.locator('header [data-testid="active-revision"]').textContent()).toBe('revision 1');
  expect(await page.locator('[data-testid="steps"]').count()).toBe(0);
  await setImage(ns.name, 'kanary/demo-app:v2');
  await cell('preview').filter({ hasText: 'revision 2' }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="bg-stage"]', { hasText: 'preview: waiting for kanary promote' }).waitFor({ timeout: 60_000 });
  expect(await cell('active').textContent()).toBe('revision 1');
  expect(await page.locator('[data-testid="pause"]').textContent()).toContain('waiting for promotion');
  const newest = page.locator('[data-testid="journal-entry"]').first();
  expect(await newest.getAttribute('data-decision')).toBe('PauseStarted');
  expect(await newest.locator('td.reason').textContent()).toBe('promotion pause: waiting for kanary promote');
  await screenshot(page, 'bluegreen-preview');
});

test('Promote, confirmed, switches the active Service; the page and the journal follow', async () => {
  await page.locator('button[data-verb="promote"]:not([disabled])').waitFor({ timeout: 10_000 });
  await page.click('button[data-verb="promote"]');
  await page.click('[data-testid="confirm"]');
  await page.locator('[data-testid="action-result"][data-ok="true"]', { hasText: 'rollout "demo" promoted' }).waitFor({ timeout: 10_000 });
  await cell('active').filter({ hasText: 'revision 2' }).waitFor({ timeout: 60_000 });
  const switched = page.locator('[data-testid="journal-entry"][data-decision="Switched"] td.reason');
  await switched.waitFor({ timeout: 30_000 });
  expect(await switched.textContent()).toMatch(/^active Service demo-active now selects revision 2 \(\w+\), was \w+$/);
  const promoted = page.locator('[data-testid="journal-entry"][data-decision="Promoted"]');
  expect(await promoted.locator('td').nth(3).textContent()).toBe('user');
  await waitFor(async () => ((await status()).phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v2' });
  await page.locator('[data-testid="bg-stage"]', { hasText: 'promoted' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'bluegreen-promoted');
});

test('the overview shows the strategy and the active revision', async () => {
  await page.goto(`${dashboard!.url}#/`);
  const row = page.locator(`tr[data-key="${ns.name}/demo"]`);
  await row.locator('[data-testid="active"]', { hasText: 'active: revision 2' }).waitFor({ timeout: 10_000 });
  expect(await row.locator('td').nth(3).textContent()).toBe('blue/green');
});
