/**
 * `npm run bench judge [-- --releases N] [--seed S]`: seeded Monte Carlo comparison of the
 * statistical judge with fixed-threshold, relative and Mann–Whitney rules. No cluster: it runs the
 * pure core on simulated counts. Writes bench/judge/results.json, bench/judge/results.md (every
 * cell) and the "Judge" section of docs/benchmarks.md (replaced in place, or appended).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';
import { benchRoot, machine, repoRoot } from '../lib/results.js';
import { renderFullTable, renderJudgeSection, type BenchOutcome, type CellResult } from './render-judge-results.js';
import { buildRules, type Rule } from './rules.js';
import { simulateRelease, type Cell } from './scenario.js';
import { emptyTally, summarizeTally, type Tally } from './tally.js';
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';

const TRAFFIC_PER_SECOND = [1, 10, 100, 1000];
const CANARY_SHARES = [0.05, 0.1, 0.3, 0.5];
const BASE_ERROR_RATES = [0.001, 0.01];
const RATIOS = [1, 1.5, 2, 5];

interface Options {
  releases: number;
  seed: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { releases: 1000, seed: 1 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if ((flag !== '--releases' && flag !== '--seed') || !Number.isInteger(value) || value < 1) {
      throw new Error(`bench judge: unknown or bad argument ${flag ?? ''} ${argv[i + 1] ?? ''}; use --releases N --seed S (whole numbers ≥ 1)`);
    }
    options[flag === '--releases' ? 'releases' : 'seed'] = value;
    i += 1;
  }
  return options;
}

function buildCells(): Cell[] {
  return TRAFFIC_PER_SECOND.flatMap((trafficPerSecond) =>
    CANARY_SHARES.flatMap((canaryShare) => BASE_ERROR_RATES.map((baseErrorRate) => ({ trafficPerSecond, canaryShare, baseErrorRate }))),
  );
}

/** Runs one rule over one release; records the outcome and the canary requests seen until then. */
function judgeRelease(rule: Rule, release: readonly ArmCounts[], tally: Tally): void {
  const run = rule.start();
  let canaryRequests = 0;
  tally.releases += 1;
  for (let i = 0; i < release.length; i += 1) {
    const counts = release[i]!;
    canaryRequests += counts.canaryRequests;
    const outcome = run.observe(counts, i + 1);
    if (outcome === 'fail') {
      tally.aborted += 1;
      tally.requestsToAbort.push(canaryRequests);
      return;
    }
    if (outcome === 'pass') {
      tally.promoted += 1;
      tally.requestsToPromote.push(canaryRequests);
      return;
    }
  }
}

function runCell(cell: Cell, ratio: number, rules: readonly Rule[], options: Options): Tally[] {
  const cellSeed = [cell.trafficPerSecond, cell.canaryShare * 100, cell.baseErrorRate * 1e4, ratio * 10].reduce((h, x) => Math.imul(h ^ Math.round(x), 0x9e3779b1) >>> 0, options.seed);
  const random = createSeededRandom(cellSeed);
  const tallies = rules.map(() => emptyTally());
  for (let r = 0; r < options.releases; r += 1) {
    const release = simulateRelease(random, cell, ratio);
    rules.forEach((rule, k) => judgeRelease(rule, release, tallies[k]!));
  }
  return tallies;
}

function measuredCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function runAll(options: Options): BenchOutcome {
  const rules = buildRules();
  const started = performance.now();
  const cells: CellResult[] = [];
  for (const cell of buildCells()) {
    for (const ratio of RATIOS) {
      const tallies = runCell(cell, ratio, rules, options);
      rules.forEach((rule, k) => cells.push({ ...cell, ratio, rule: rule.name, tally: tallies[k]!, summary: summarizeTally(tallies[k]!) }));
    }
    process.stdout.write(`bench judge: ${cell.trafficPerSecond} req/s, canary ${cell.canaryShare * 100}%, base errors ${cell.baseErrorRate * 100}% done\n`);
  }
  const commit = measuredCommit();
  return {
    date: new Date().toISOString(),
    machine: machine(),
    ...(commit ? { commit } : {}),
    releasesPerCell: options.releases,
    seed: options.seed,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    rules: rules.map((r) => r.name),
    cells,
  };
}

const SECTION_START = /^## Judge\s*$/m;

/** Replaces the "## Judge" section of docs/benchmarks.md (up to the next "## " heading), or appends it. */
function spliceSection(doc: string, section: string): string {
  const match = SECTION_START.exec(doc);
  if (!match) return `${doc.trimEnd()}\n\n${section.trimEnd()}\n`;
  const rest = doc.slice(match.index + match[0].length);
  const next = /^## /m.exec(rest);
  const after = next ? `\n${rest.slice(next.index)}` : '';
  return `${doc.slice(0, match.index)}${section.trimEnd()}\n${after}`;
}

function writeOutputs(outcome: BenchOutcome): void {
  const { cells, ...run } = outcome;
  const cellLines = cells.map(({ tally: _tally, ...rest }) => `    ${JSON.stringify(rest)}`);
  const json = `${JSON.stringify(run, null, 2).replace(/\n}$/, ',\n  "cells": [\n')}${cellLines.join(',\n')}\n  ]\n}\n`;
  JSON.parse(json);
  writeFileSync(join(benchRoot, 'judge', 'results.json'), json);
  writeFileSync(join(benchRoot, 'judge', 'results.md'), renderFullTable(outcome));
  const notesFile = join(benchRoot, 'judge', 'notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  const docFile = join(repoRoot, 'docs', 'benchmarks.md');
  const doc = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Kanary benchmarks\n';
  writeFileSync(docFile, spliceSection(doc, renderJudgeSection(outcome, notes)));
  process.stdout.write(`bench judge: wrote bench/judge/results.json, bench/judge/results.md and the Judge section of docs/benchmarks.md (${outcome.durationSeconds} s)\n`);
}

const options = parseOptions(process.argv.slice(2));
writeOutputs(runAll(options));
