/**
 * For the dashboard's browser tests: runs the REAL `node bin/kanary.js dashboard` (built code in
 * dist/, bundle in dist/dashboard-ui) on a free loopback port, and Debian's chromium through
 * playwright-core (never a downloaded browser). Screenshots go to test-output/dashboard/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(root, 'test-output', 'dashboard');

export interface DashboardProcess {
  readonly url: string;
  readonly output: string[];
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Runs `kanary dashboard ARGS` and resolves once it printed its URL (rejects if it exits first). */
export function runDashboard(args: readonly string[]): { child: ChildProcess; output: string[]; ready: Promise<DashboardProcess> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'kanary.js'), 'dashboard', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const ready = new Promise<DashboardProcess>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const match = /serving (http:\/\/\S+?\/)/.exec(output.join(''));
      if (match?.[1]) resolve({ url: match[1], output, stop: async () => { child.kill('SIGTERM'); await waitExit(child); } });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`kanary dashboard exited ${code}: ${output.join('')}`)));
  });
  return { child, output, ready };
}

export async function startDashboard(args: readonly string[]): Promise<DashboardProcess> {
  return runDashboard(['--port', '0', ...args]).ready;
}

/** Exit code and output of a dashboard run that is expected to end by itself. */
export async function runDashboardToExit(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const run = runDashboard(args);
  run.ready.catch(() => undefined);
  const code = await waitExit(run.child);
  return { code, output: run.output.join('') };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
