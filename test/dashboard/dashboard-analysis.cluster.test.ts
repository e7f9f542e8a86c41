/**
 * Analysis and timed pauses on the Rollout page: a step analysis with the web provider (reading a
 * metric server in this test) is plotted against its condition's threshold, and the timed pause
 * after it counts down in the page.
 */
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { testKubeconfigPath } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';
import { launchBrowser, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('dash-analysis');
const rates = [0.99, 0.97, 0.98];
let served = 0;
/** Set by the abort test: every measurement from then on is 0.5, below the condition. */
let failing = false;
let metrics: Server | undefined;
let controller: ControllerProcess | undefined;
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  metrics = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ successRate: failing ? 0.5 : rates[served++ % rates.length] }));
  });
  await new Promise<void>((resolve) => metrics!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(metrics.address() as { port: number }).port}/rate`;
  const template = {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'success-rate' },
    spec: { metrics: [{ name: 'success-rate', interval: '1s', count: 3, successCondition: 'result >= 0.95', provider: { web: { url, jsonPath: '{$.successRate}' } } }] },
  };
  const steps: Obj[] = [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'success-rate' }] } }, { pause: { duration: '90s' } }];
  await applyDocs(ns.name, [template, ...tweakExample(loadExample('canary-ambassador'), { replicas: 2, trafficRouting: false, steps })]);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
  const view = new ClusterView(ns.kc, ns.name);
  await waitFor(async () => ((await view.rollout()).status?.phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v1' });
  dashboard = await startDashboard(['-n', ns.name, '--kubeconfig', testKubeconfigPath()]);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${dashboard.url}#/rollouts/${ns.name}/demo`);
  await page.locator('header [data-testid="weight"]').waitFor({ timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await controller?.stop();
  metrics?.close();
});

test('the analysis measurements are plotted against the condition\'s threshold', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const chart = page.locator('[data-testid="metric-chart"]');
  await chart.locator('circle.m-Successful').nth(2).waitFor({ timeout: 60_000 });
  expect(await chart.locator('figcaption').textContent()).toContain('success-rate · result >= 0.95');
  expect(await chart.locator('line.threshold').count()).toBe(1);
  const titles = await chart.locator('circle title').allTextContents();
  expect(titles).toEqual(['0.99 (Successful)', '0.97 (Successful)', '0.98 (Successful)']);
});

test('a timed pause counts down in the page', async () => {
  const countdown = page.locator('[data-testid="pause-countdown"]');
  await countdown.waitFor({ timeout: 60_000 });
  const seconds = (text: string | null) => {
    const match = /^(?:(\d+)m)?(\d+)s$/.exec(text ?? '');
    return match ? Number(match[1] ?? 0) * 60 + Number(match[2]) : NaN;
  };
  const first = seconds(await countdown.textContent());
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const second = seconds(await countdown.textContent());
  expect(first).toBeLessThanOrEqual(90);
  expect(second).toBeLessThan(first);
  expect(await page.locator('li[data-state="current"]').textContent()).toContain('pause: 90s');
  await screenshot(page, 'analysis-and-pause');
});

test('an aborted release shows the failing measurement and the journal entry that decided it', async () => {
  failing = true;
  await setImage(ns.name, 'kanary/demo-app:v3');
  const aborted = page.locator('[data-testid="journal-entry"][data-decision="Aborted"]').first();
  await aborted.waitFor({ timeout: 90_000 });
  expect(await aborted.locator('td').nth(3).textContent()).toBe('analysis');
  expect(await aborted.locator('td.reason').textContent()).toMatch(/failed.*: traffic back to stable\nsuccess-rate 0\.5 vs result >= 0\.95$/s);
  await page.locator('[data-testid="metric-chart"] circle.m-Failed').first().waitFor({ timeout: 10_000 });
  expect(await page.locator('[data-testid="metric-chart"] circle.m-Failed title').first().textContent()).toBe('0.5 (Failed)');
  await page.locator('header [data-testid="phase"]', { hasText: 'Degraded' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'aborted-release');
});
