/// <reference lib="dom" />
/**
 * What the dashboard bench reads in the page. Every time is the page's own Date.now() (the same
 * system clock as the bench process on this machine) taken by a MutationObserver on the DOM, and
 * "painted" is the first task after the next animation frame (the frame is produced and the main
 * thread is free for input again: interactive).
 */
import type { Browser, Page } from 'playwright-core';

interface Marks {
  rowsAt?: number;
  paintedAt?: number;
  /** performance.now() at paintedAt: milliseconds since the page's own navigation start. */
  paintedPerf?: number;
}

interface Seen {
  at: number;
  painted?: number;
}

type BenchWindow = Window & { __kanaryRender?: Marks; __kanarySeen?: Record<string, Seen>; __kanaryKey?: string };

/** Runs in the page before its scripts: marks when `expected` rows (or the empty note for 0) are in. */
function renderProbe(expected: number): void {
  const w = window as BenchWindow;
  const marks: Marks = {};
  w.__kanaryRender = marks;
  const observer = new MutationObserver(() => {
    if (marks.rowsAt !== undefined) return;
    const ready = expected === 0
      ? document.querySelector('#main p.empty')?.textContent === 'No Rollouts visible.'
      : document.querySelectorAll('tr[data-testid="rollout-row"]').length >= expected;
    if (!ready) return;
    marks.rowsAt = Date.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => {
      marks.paintedAt = Date.now();
      marks.paintedPerf = performance.now();
    }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
}

export interface RenderSample {
  /** Navigation issued (bench clock) → all rows in the DOM. */
  rowsMs: number;
  /** Navigation issued → first frame after that (interactive). */
  interactiveMs: number;
  /** The page's own navigation start → interactive (performance.now()). */
  inPageMs: number;
}

/** One cold load of the overview in a fresh browser context (no cache, new event stream). */
export async function measureRender(browser: Browser, url: string, expectedRows: number, timeoutMs = 120_000): Promise<RenderSample> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(renderProbe, expectedRows);
    const started = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => (window as BenchWindow).__kanaryRender?.paintedAt !== undefined, undefined, { timeout: timeoutMs, polling: 50 });
    const marks = await page.evaluate(() => (window as BenchWindow).__kanaryRender as Marks);
    return { rowsMs: (marks.rowsAt ?? Number.NaN) - started, interactiveMs: (marks.paintedAt ?? Number.NaN) - started, inPageMs: marks.paintedPerf ?? Number.NaN };
  } finally {
    await context.close();
  }
}

/** Opens the overview and waits until `expectedRows` rows are shown. */
export async function openOverview(browser: Browser, url: string, expectedRows: number): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-testid="rollout-row"]').length >= n, expectedRows, { timeout: 120_000, polling: 100 });
  return page;
}

/**
 * Watches the message cell of the row named by window.__kanaryKey: each `<prefix><n>` it shows for
 * the first time is recorded under n with the page's Date.now() (and after the next frame).
 */
export async function installUpdateProbe(page: Page, prefix: string): Promise<void> {
  await page.evaluate((marker) => {
    const w = window as BenchWindow;
    const seen: Record<string, Seen> = {};
    w.__kanarySeen = seen;
    const pattern = new RegExp(`${marker}(\\d+)`);
    const observer = new MutationObserver(() => {
      const key = w.__kanaryKey;
      if (key === undefined) return;
      const text = document.querySelector(`tr[data-key="${key}"] td.message`)?.textContent ?? '';
      const n = pattern.exec(text)?.[1];
      if (n === undefined || seen[n] !== undefined) return;
      const record: Seen = { at: Date.now() };
      seen[n] = record;
      requestAnimationFrame(() => setTimeout(() => { record.painted = Date.now(); }, 0));
    });
    observer.observe(document.getElementById('main') as HTMLElement, { childList: true, subtree: true, characterData: true });
  }, prefix);
}

/** Tells the probe which row (`namespace/name`) the next write goes to. */
export async function watchRow(page: Page, key: string): Promise<void> {
  await page.evaluate((k) => { (window as BenchWindow).__kanaryKey = k; }, key);
}

/** When the page first showed marker n and the frame after it (page clock). */
export async function seenInPage(page: Page, n: number, timeoutMs: number): Promise<Seen> {
  const handle = await page.waitForFunction((k) => {
    const record = (window as BenchWindow).__kanarySeen?.[String(k)];
    return record?.painted !== undefined ? record : undefined;
  }, n, { timeout: timeoutMs, polling: 20 });
  return (await handle.jsonValue()) as Seen;
}

/** The page's used JS heap (Chromium's performance.memory), in MB. */
export async function pageHeapMb(page: Page): Promise<number | undefined> {
  const bytes = await page.evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize);
  return bytes === undefined ? undefined : Math.round((bytes / 1024 ** 2) * 10) / 10;
}
