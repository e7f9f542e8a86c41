/**
 * A user who may read but not write: a ServiceAccount with get/list/watch only, through a
 * TokenRequest token. The page shows the Rollout, shows a namespace it cannot list as not visible,
 * and shows Promote's refusal with the API server's 403 message.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { kubectl, useTestNamespace } from '../harness/cluster.js';
import { applyDocs, ClusterView, loadExample, tweakExample } from '../controller/rollout-fixtures.js';
import { readServiceAccountToken, writeTokenKubeconfig } from '../ship/service-account.js';
import { launchBrowser, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('dash-readonly');
const hidden = useTestNamespace('dash-hidden');
let dir = '';
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;

const readOnlyRbac = (namespace: string) => [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer', namespace } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'viewer', namespace },
    rules: [
      { apiGroups: ['kanary.dev'], resources: ['rollouts', 'analysisruns'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['getambassador.io'], resources: ['mappings'], verbs: ['get', 'list', 'watch'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'viewer', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace }],
  },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kanary-dash-sa-'));
  await applyDocs(ns.name, [...tweakExample(loadExample('canary-ambassador'), { replicas: 1 }), ...readOnlyRbac(ns.name)]);
  const token = await readServiceAccountToken(ns.kc, ns.name, 'viewer');
  const kubeconfig = join(dir, 'viewer.kubeconfig');
  await writeTokenKubeconfig(ns.kc, token, kubeconfig);
  dashboard = await startDashboard(['-n', `${ns.name},${hidden.name}`, '--kubeconfig', kubeconfig]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a namespace the user cannot list is shown as not visible, the rest works', async () => {
  const page = await browser!.newPage();
  await page.goto(dashboard!.url);
  await page.locator(`tr[data-key="${ns.name}/demo"]`).waitFor({ timeout: 15_000 });
  const note = page.locator('[data-testid="scope-not-visible"]');
  await note.waitFor({ timeout: 15_000 });
  const text = await note.textContent();
  expect(text).toContain(`namespace ${hidden.name} not visible`);
  expect(text).toContain(`system:serviceaccount:${ns.name}:viewer`);
  expect(text).toContain('cannot list resource "rollouts"');
  await page.close();
});

test('Promote without patch rights shows the API server\'s refusal, and nothing changes', async () => {
  const page = await browser!.newPage();
  await page.goto(`${dashboard!.url}#/rollouts/${ns.name}/demo`);
  await page.locator('button[data-verb="promote"]:not([disabled])').waitFor({ timeout: 15_000 });
  await page.click('button[data-verb="promote"]');
  await page.click('[data-testid="confirm"]');
  const result = page.locator('[data-testid="action-result"][data-ok="false"]');
  await result.waitFor({ timeout: 15_000 });
  const text = await result.textContent();
  expect(text).toContain('refused (403)');
  expect(text).toContain(`User "system:serviceaccount:${ns.name}:viewer" cannot patch resource "rollouts/status"`);
  await expect(page.locator('[data-testid="mapping-stable"]').textContent()).resolves.toContain('demo-stable:80');
  await screenshot(page, 'refused');
  const status = (await new ClusterView(ns.kc, ns.name).rollout()).status ?? {};
  expect(status.currentStepIndex ?? 0).toBe(0);
  expect((await kubectl(['auth', 'can-i', 'patch', 'rollouts.kanary.dev', '-n', ns.name, '--as', `system:serviceaccount:${ns.name}:viewer`], { allowFailure: true })).stdout.trim()).toBe('no');
  await page.close();
});
