/**
 * Issue 19: the dashboard with 500 Rollouts. No controller: the Rollouts and their statuses are
 * written directly (bench/dashboard-fixtures.ts). Against the REAL `kanary dashboard` (built code)
 * and Debian's Chromium, it reports:
 * - overview render: navigation → all rows in the DOM and the next frame (interactive), cold, in a
 *   fresh browser context per run; the reference is the same page for an empty namespace;
 * - update latency: a status write's API response → the page showing the new message (page clock =
 *   bench clock on this machine), and the reference: the same writes seen by a plain watch here;
 * - the dashboard server's RSS (and CPU) while it watches the Rollouts with one status write per
 *   second to a random one and an overview open in the browser, for `--minutes N` (default 60).
 */
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { createTestNamespace, deleteTestNamespace, loadTestKubeConfig, testKubeconfigPath } from '../test/harness/cluster.js';
import { launchBrowser, runDashboard, screenshot, type DashboardProcess } from '../test/dashboard/dashboard-process.js';
import { createBenchRollouts, patchStatus, rolloutName } from './dashboard-fixtures.js';
import { installUpdateProbe, measureRender, openOverview, pageHeapMb, seenInPage, watchRow, type RenderSample } from './dashboard-page.js';
import { ObjectWatch } from './lib/object-watch.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { trendOf, type Sample } from './lib/series.js';
import { single, summarize, type Summary } from './lib/stats.js';

export interface DashboardBenchOptions {
  rollouts: number;
  renders: number;
  updates: number;
  minutes: number;
}

export const DASHBOARD_DEFAULTS: DashboardBenchOptions = { rollouts: 500, renders: 7, updates: 50, minutes: 60 };

const UPDATE_SPACING_MS = 1000;
const RSS_SAMPLE_MS = 5000;
const CHURN_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = (): number => Math.round(loadavg()[0]! * 100) / 100;

interface Running {
  dashboard: DashboardProcess;
  pid: number;
}

async function startDashboardFor(namespace: string): Promise<Running> {
  const run = runDashboard(['--port', '0', '-n', namespace, '--kubeconfig', testKubeconfigPath()]);
  const dashboard = await run.ready;
  if (run.child.pid === undefined) throw new Error('dashboard has no pid');
  return { dashboard, pid: run.child.pid };
}

async function renders(browser: Browser, url: string, rows: number, runs: number): Promise<RenderSample[]> {
  const samples: RenderSample[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await measureRender(browser, url, rows));
    await sleep(500);
  }
  return samples;
}

const summaryWithMax = (values: number[], unit: string): Summary & { max: number } => ({ ...summarize(values, unit), max: Math.max(...values) });

interface UpdateSamples {
  domMs: number[];
  paintedMs: number[];
  watchMs: number[];
  requestMs: number[];
}

/** `count` status writes, spaced, each to another Rollout; the page and a plain watch time them. */
async function updateLatency(input: { browser: Browser; url: string; namespace: string; rollouts: number; count: number }): Promise<UpdateSamples> {
  const kc = loadTestKubeConfig();
  const watch = new ObjectWatch(kc, `/apis/kanary.dev/v1alpha1/namespaces/${input.namespace}/rollouts`);
  await watch.start();
  const page = await openOverview(input.browser, input.url, input.rollouts);
  await installUpdateProbe(page, 'bench-update-');
  const samples: UpdateSamples = { domMs: [], paintedMs: [], watchMs: [], requestMs: [] };
  try {
    for (let n = 0; n < input.count; n++) {
      const name = rolloutName((n * 37 + 11) % input.rollouts);
      await watchRow(page, `${input.namespace}/${name}`);
      const marker = `bench-update-${n}`;
      const before = Date.now();
      await patchStatus(kc, input.namespace, name, { message: `${marker}: setting canary weight` });
      const after = Date.now();
      const seenByWatch = await watch.next((e) => e.object.metadata?.name === name && String(e.object.status?.message ?? '').startsWith(`${marker}:`), { sinceMs: before, timeoutMs: 30_000, what: marker });
      const seen = await seenInPage(page, n, 30_000);
      samples.requestMs.push(after - before);
      samples.watchMs.push(seenByWatch.atMs - after);
      samples.domMs.push(seen.at - after);
      samples.paintedMs.push((seen.painted ?? Number.NaN) - after);
      await sleep(UPDATE_SPACING_MS);
    }
  } finally {
    watch.stop();
    await page.close();
  }
  return samples;
}

interface RssRun {
  samples: Sample[];
  cpuSeconds: number;
  writes: number;
  writeErrors: number;
  pageHeapMb: { start?: number; end?: number };
  loadAverages: number[];
}

/** Watches for `minutes` with one status write per second to a random Rollout; samples RSS every 5 s. */
async function rssUnderChurn(input: { browser: Browser; url: string; namespace: string; rollouts: number; pid: number; minutes: number }): Promise<RssRun> {
  const kc = loadTestKubeConfig();
  const page = await openOverview(input.browser, input.url, input.rollouts);
  const run: RssRun = { samples: [], cpuSeconds: 0, writes: 0, writeErrors: 0, pageHeapMb: { start: await pageHeapMb(page) }, loadAverages: [] };
  const startedAt = Date.now();
  const endAt = startedAt + input.minutes * 60_000;
  const cpuAtStart = readProcessStats(input.pid).cpuSeconds;
  const sample = () => run.samples.push({ atMs: Date.now() - startedAt, value: readProcessStats(input.pid).rssMb });
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const loadLog = setInterval(() => run.loadAverages.push(load()), 60_000);
  try {
    while (Date.now() < endAt) {
      const tick = Date.now();
      const i = Math.floor(Math.random() * input.rollouts);
      const weight = 10 * (1 + Math.floor(Math.random() * 9));
      await patchStatus(kc, input.namespace, rolloutName(i), { message: `churn ${run.writes}: setting canary weight ${weight}` })
        .then(() => run.writes++, () => run.writeErrors++);
      await sleep(Math.max(0, CHURN_MS - (Date.now() - tick)));
    }
  } finally {
    clearInterval(sampler);
    clearInterval(loadLog);
  }
  sample();
  run.cpuSeconds = readProcessStats(input.pid).cpuSeconds - cpuAtStart;
  run.pageHeapMb.end = await pageHeapMb(page);
  await page.close();
  return run;
}

/** For a look at what was measured: test-output/dashboard/bench-overview.png (not committed). */
async function screenshotOverview(browser: Browser, url: string, rows: number): Promise<void> {
  const page = await openOverview(browser, url, rows);
  await screenshot(page, 'bench-overview');
  await page.close();
}

export async function runDashboardBench(options: DashboardBenchOptions = DASHBOARD_DEFAULTS): Promise<void> {
  const kc = loadTestKubeConfig();
  const namespace = await createTestNamespace('bench-dashboard', kc);
  const emptyNamespace = await createTestNamespace('bench-dashboard-empty', kc);
  const opened: Running[] = [];
  let browser: Browser | undefined;
  const loads: Record<string, number> = { start: load() };
  try {
    const createStart = Date.now();
    await createBenchRollouts(kc, namespace, options.rollouts);
    const createMs = Date.now() - createStart;
    console.log(`bench: dashboard: ${options.rollouts} Rollouts created in ${createMs} ms`);
    const full = await startDashboardFor(namespace);
    opened.push(full);
    const empty = await startDashboardFor(emptyNamespace);
    opened.push(empty);
    browser = await launchBrowser();
    await sleep(2000);
    const rssAfterStartMb = readProcessStats(full.pid).rssMb;

    loads.renders = load();
    const emptyRenders = await renders(browser, empty.dashboard.url, 0, options.renders);
    const fullRenders = await renders(browser, full.dashboard.url, options.rollouts, options.renders);
    await empty.dashboard.stop();
    opened.splice(opened.indexOf(empty), 1);
    console.log(`bench: dashboard: overview interactive ${fullRenders.map((r) => r.interactiveMs).join(', ')} ms (empty: ${emptyRenders.map((r) => r.interactiveMs).join(', ')})`);

    loads.updates = load();
    const updates = await updateLatency({ browser, url: full.dashboard.url, namespace, rollouts: options.rollouts, count: options.updates });
    console.log(`bench: dashboard: DOM update latency ${updates.domMs.join(', ')} ms`);
    await screenshotOverview(browser, full.dashboard.url, options.rollouts);

    loads.rss = load();
    const rssRun = await rssUnderChurn({ browser, url: full.dashboard.url, namespace, rollouts: options.rollouts, pid: full.pid, minutes: options.minutes });
    loads.end = load();
    const trend = trendOf(rssRun.samples);
    const interactive = fullRenders.map((r) => r.interactiveMs);
    const emptyInteractive = emptyRenders.map((r) => r.interactiveMs);
    const ratio = summarize(interactive, 'ms').median / summarize(emptyInteractive, 'ms').median;
    const metrics: Record<string, Summary> = {
      [`overviewInteractive_${options.rollouts}`]: summaryWithMax(interactive, 'ms'),
      [`overviewRowsInDom_${options.rollouts}`]: summaryWithMax(fullRenders.map((r) => r.rowsMs), 'ms'),
      overviewInteractive_empty: summaryWithMax(emptyInteractive, 'ms'),
      overviewInteractiveRatio: single(Math.round(ratio * 100) / 100, 'x empty'),
      updateToDom: summaryWithMax(updates.domMs, 'ms'),
      updateToPaintedFrame: summaryWithMax(updates.paintedMs, 'ms'),
      updateToPlainWatch: summaryWithMax(updates.watchMs, 'ms'),
      updateDashboardOverWatch: summaryWithMax(updates.domMs.map((dom, i) => dom - (updates.watchMs[i] ?? Number.NaN)), 'ms'),
      statusWriteRequest: summaryWithMax(updates.requestMs, 'ms'),
      dashboardRssStart: single(trend.first, 'MB'),
      dashboardRssEnd: single(trend.last, 'MB'),
      dashboardRssMax: single(trend.max, 'MB'),
      dashboardRssSlope: single(trend.slopePerHour, 'MB/h'),
      dashboardRssSecondHalfSlope: single(trend.secondHalfSlopePerHour, 'MB/h'),
    };
    writeResult('dashboard', metrics, {
      rollouts: options.rollouts,
      midRelease: Math.ceil(options.rollouts / 2),
      createMs,
      rendersPerCase: options.renders,
      renderSamples: { full: fullRenders, empty: emptyRenders },
      updates: options.updates,
      updateSpacingMs: UPDATE_SPACING_MS,
      rss: {
        minutesRequested: options.minutes,
        minutesMeasured: Math.round((trend.durationMs / 60_000) * 10) / 10,
        rssAfterStartMb,
        ...trend,
        churnWritesPerSecond: 1000 / CHURN_MS,
        churnWrites: rssRun.writes,
        churnWriteErrors: rssRun.writeErrors,
        dashboardCpuSeconds: Math.round(rssRun.cpuSeconds * 10) / 10,
        dashboardCpuPercent: Math.round((rssRun.cpuSeconds / (trend.durationMs / 1000)) * 1000) / 10,
        pageHeapMb: rssRun.pageHeapMb,
        series: rssRun.samples.filter((_, i) => i % 12 === 0).map((s) => [Math.round(s.atMs / 1000), s.value]),
        loadAverageEachMinute: rssRun.loadAverages,
      },
      loadAverage1m: loads,
    });
  } finally {
    await browser?.close();
    for (const running of opened) await running.dashboard.stop();
    await deleteTestNamespace(namespace, kc);
    await deleteTestNamespace(emptyNamespace, kc);
  }
}
