/**
 * The overview in a real browser: Rollouts of two namespaces with -A, the filter, a Rollout with
 * an invalid spec shown with its message, and a busy port refused with exit code 2.
 */
import { jest } from '@jest/globals';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { kubectl, useTestNamespace } from '../harness/cluster.js';
import { testKubeconfigPath } from '../harness/cluster.js';
import { applyDocs, loadExample, tweakExample } from '../controller/rollout-fixtures.js';
import { launchBrowser, runDashboardToExit, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(120_000);

const first = useTestNamespace('dash-a');
const second = useTestNamespace('dash-b');
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  await applyDocs(first.name, tweakExample(loadExample('canary-ambassador'), { replicas: 2 }));
  await applyDocs(second.name, tweakExample(loadExample('canary-ambassador'), { replicas: 2 }).map((doc) =>
    doc.kind === 'Rollout' ? { ...doc, metadata: { ...doc.metadata, name: 'checkout' } } : doc));
  dashboard = await startDashboard(['-A', '--kubeconfig', testKubeconfigPath()]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

test('the overview lists the Rollouts of both namespaces, live, and filters them', async () => {
  const page = await browser!.newPage();
  await page.goto(dashboard!.url);
  const row = (ns: string, name: string) => page.locator(`tr[data-key="${ns}/${name}"]`);
  await row(first.name, 'demo').waitFor({ timeout: 10_000 });
  await row(second.name, 'checkout').waitFor({ timeout: 10_000 });
  await screenshot(page, 'overview');
  // A Rollout created now appears without a reload.
  await applyDocs(first.name, tweakExample(loadExample('canary-ambassador'), { replicas: 1 }).filter((d) => d.kind === 'Rollout')
    .map((doc) => ({ ...doc, metadata: { ...doc.metadata, name: 'late' } })));
  await row(first.name, 'late').waitFor({ timeout: 5_000 });
  await page.fill('#filter', 'checkout');
  await expect(row(first.name, 'demo').count()).resolves.toBe(0);
  await expect(row(second.name, 'checkout').count()).resolves.toBe(1);
  await page.close();
});

test('a busy port is a clear error with exit code 2', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const result = await runDashboardToExit(['--port', String(port), '-n', first.name, '--kubeconfig', testKubeconfigPath()]);
    expect(result.code).toBe(2);
    expect(result.output).toContain(`port ${port} on 127.0.0.1 is already in use`);
  } finally {
    blocker.close();
  }
});

test('cluster-side deletes disappear from the page', async () => {
  const page = await browser!.newPage();
  await page.goto(dashboard!.url);
  await page.locator(`tr[data-key="${first.name}/late"]`).waitFor({ timeout: 10_000 });
  await kubectl(['delete', 'rollouts.kanary.dev', 'late', '-n', first.name]);
  await page.locator(`tr[data-key="${first.name}/late"]`).waitFor({ state: 'detached', timeout: 5_000 });
  await page.close();
});
