/**
 * After the releases: `kanary backtest` replays the demo's judge template over the demo's own
 * Prometheus history, one window per release from its start to its end, to show that the template
 * fails inside the bad release and not in the good ones (issue 18 item 4). Runs the CLI as a user
 * would; Prometheus mode only (without Prometheus there is no history to ask).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { buildDemoManifests, type Doc } from './demo-manifests.js';
import type { ReleaseResult } from './demo-releases.js';

export const BACKTEST_TEMPLATE = 'demo-judge-errors';

export interface ReleaseBacktest {
  release: string;
  /** failed, passed, inconclusive, noData or badInput (the CLI's window outcome). */
  outcome: string;
  decidedAtMs?: number;
  exitCode: number;
  message?: string;
}

export interface DemoBacktestOptions {
  repoRoot: string;
  prometheusAddress: string;
  releases: readonly ReleaseResult[];
  say: (line: string) => void;
}

interface BacktestJson {
  exitCode: number;
  windows: Array<{ outcome: string; decidedAt?: string; message?: string }>;
}

/** The judge template and the Rollout's background-analysis args (the address args left out: --prometheus replaces them). */
function judgeTemplateAndArgs(options: DemoBacktestOptions): { template: Doc; args: string[] } {
  const docs = buildDemoManifests({ repoRoot: options.repoRoot, metrics: 'prometheus', metricsAddress: options.prometheusAddress, countsAddress: options.prometheusAddress, ambassadorId: 'backtest' });
  const template = docs.find((d) => d.kind === 'AnalysisTemplate' && (d.metadata as Doc | undefined)?.name === BACKTEST_TEMPLATE);
  if (!template) throw new Error(`examples/demo has no AnalysisTemplate ${BACKTEST_TEMPLATE}`);
  const rollout = docs.find((d) => d.kind === 'Rollout') as { spec?: { strategy?: { canary?: { analysis?: { args?: Array<{ name: string; value?: string }> } } } } } | undefined;
  const args = (rollout?.spec?.strategy?.canary?.analysis?.args ?? [])
    .filter((a) => a.value !== undefined && !a.name.endsWith('-address'))
    .map((a) => `${a.name}=${a.value}`);
  return { template, args };
}

function runCli(repoRoot: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function parseResult(release: string, cli: { code: number; stdout: string; stderr: string }): ReleaseBacktest {
  try {
    const body = JSON.parse(cli.stdout) as BacktestJson;
    const window = body.windows[0];
    const decidedAtMs = window?.decidedAt === undefined ? undefined : Date.parse(window.decidedAt);
    return {
      release,
      outcome: window?.outcome ?? 'badInput',
      exitCode: cli.code,
      ...(decidedAtMs !== undefined ? { decidedAtMs } : {}),
      ...(window?.message !== undefined ? { message: window.message } : {}),
    };
  } catch {
    return { release, outcome: 'badInput', exitCode: cli.code, message: cli.stderr.trim() || 'no output' };
  }
}

function describe(result: ReleaseBacktest, release: ReleaseResult): string {
  const into = (ms: number) => `${((ms - (release.startedAtMs ?? ms)) / 1000).toFixed(0)} s into the release`;
  if (result.outcome === 'failed') return `  ${result.release}: FAILED at ${new Date(result.decidedAtMs ?? 0).toISOString().slice(11, 19)} (${into(result.decidedAtMs ?? 0)}): ${result.message ?? ''}`;
  if (result.outcome === 'inconclusive') return `  ${result.release}: no abort (the judge had not decided when the release ended; the rollout went on by its steps)`;
  if (result.outcome === 'passed') return `  ${result.release}: passed`;
  return `  ${result.release}: ${result.outcome}: ${result.message ?? ''}`;
}

/** Backtests each timed release; resolves with one result per release (empty when none has times). */
export async function backtestDemoReleases(options: DemoBacktestOptions): Promise<ReleaseBacktest[]> {
  const timed = options.releases.filter((r) => r.startedAtMs !== undefined && r.endedAtMs !== undefined);
  if (timed.length === 0) return [];
  const { template, args } = judgeTemplateAndArgs(options);
  const dir = mkdtempSync(join(tmpdir(), 'kanary-demo-backtest-'));
  try {
    const file = join(dir, `${BACKTEST_TEMPLATE}.yaml`);
    writeFileSync(file, yaml.dump(template));
    options.say(`backtest: would ${BACKTEST_TEMPLATE} have stopped each release? (kanary backtest over this demo's Prometheus history)`);
    const results: ReleaseBacktest[] = [];
    for (const release of timed) {
      const start = new Date(release.startedAtMs as number).toISOString();
      const seconds = Math.max(1, Math.ceil(((release.endedAtMs as number) - (release.startedAtMs as number)) / 1000));
      const cli = ['backtest', '-f', file, '--prometheus', options.prometheusAddress, '--at', start, '--length', `${seconds}s`, ...args.flatMap((a) => ['--arg', a])];
      options.say(`  $ kanary ${cli.map((a) => (a === file ? `${BACKTEST_TEMPLATE}.yaml` : a)).join(' ')}`);
      const result = parseResult(release.release, await runCli(options.repoRoot, [...cli, '-o', 'json']));
      options.say(describe(result, release));
      results.push(result);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
