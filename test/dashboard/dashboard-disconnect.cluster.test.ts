/**
 * The API server going away: the dashboard reaches the API server through a TCP relay the test
 * can cut. While it is cut the page says "disconnected"; once it is back the page recovers and
 * shows changes made meanwhile, without a reload.
 */
import { jest } from '@jest/globals';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { loadTestKubeConfig, useTestNamespace } from '../harness/cluster.js';
import { applyDocs, loadExample, tweakExample } from '../controller/rollout-fixtures.js';
import { launchBrowser, screenshot, startDashboard, type DashboardProcess } from './dashboard-process.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('dash-disconnect');
let dir = '';
let relay: Relay | undefined;
let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;

/** A TCP relay to the API server on a fixed loopback port that can be cut and restored. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const demo = (name: string) => tweakExample(loadExample('canary-ambassador'), { replicas: 1 })
  .filter((doc) => doc.kind === 'Rollout').map((doc) => ({ ...doc, metadata: { name } }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kanary-dash-relay-'));
  const admin = loadTestKubeConfig();
  const server = new URL(admin.getCurrentCluster()?.server ?? '');
  relay = new Relay({ host: server.hostname, port: Number(server.port) });
  await relay.open();
  const config = JSON.parse(admin.exportConfig()) as { clusters: { cluster: { server: string } }[] };
  for (const entry of config.clusters) entry.cluster.server = `https://127.0.0.1:${relay.port}`;
  const kubeconfig = join(dir, 'relayed.kubeconfig');
  await writeFile(kubeconfig, JSON.stringify(config), { mode: 0o600 });
  await applyDocs(ns.name, demo('before'));
  dashboard = await startDashboard(['-n', ns.name, '--kubeconfig', kubeconfig]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await relay?.cut();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the page says disconnected while the API server is unreachable and recovers after', async () => {
  const page = await browser!.newPage();
  await page.goto(dashboard!.url);
  await page.locator(`tr[data-key="${ns.name}/before"]`).waitFor({ timeout: 15_000 });
  await expect(page.locator('[data-testid="connection"]').count()).resolves.toBe(0);
  await relay!.cut();
  const banner = page.locator('[data-testid="connection"]');
  await banner.waitFor({ timeout: 20_000 });
  expect(await banner.textContent()).toContain('disconnected from https://127.0.0.1:');
  await screenshot(page, 'disconnected');
  await applyDocs(ns.name, demo('during'));
  await relay!.open();
  await banner.waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator(`tr[data-key="${ns.name}/during"]`).waitFor({ timeout: 10_000 });
  await page.close();
});
