/**
 * `npm run bench judge [-- --releases N] [--seed S]`: seeded Monte Carlo comparison of the
 * statistical judge with fixed-threshold, relative and Mann–Whitney rules. No cluster: it runs the
 * pure core on simulated counts. Writes bench/judge/results.json, bench/judge/results.md (every
 * cell) and the "Judge" section of docs/benchmarks.md (replaced in place, or appended).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';
import { benchRoot, machine, repoRoot } from '../lib/results.js';
import { renderFullTable, renderJudgeSection, type BenchOutcome, type CellResult } from './render-judge-results.js';
import { buildRules, type Rule } from './rules.js';
import { simulateRelease, type Cell } from './scenario.js';
import { emptyTally, summarizeTally, type Tally } from './tally.js';
import { AbortCounter, compareCell, DetectionMatrix, ScoreSum, TUNED_RATIO, type GridSink, type TunedComparison } from './tuned-comparison.js';
import { buildCriteria, buildGrid, evaluateGrid, type Criterion, type GridRule } from './tuned-rules.js';
import { profileFromDetections } from './tuning.js';
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';

const TRAFFIC_PER_SECOND = [1, 10, 100, 1000];
const CANARY_SHARES = [0.05, 0.1, 0.3, 0.5];
const BASE_ERROR_RATES = [0.001, 0.01];
const RATIOS = [1, 1.5, 2, 5];

interface Options {
  releases: number;
  seed: number;
  /** Where to write results.json, results.md and a copy of docs/benchmarks.md instead (a trial run). */
  out?: string;
  /** Also save the whole outcome (every tally) to this file, for --render. */
  dump?: string;
  /** Run nothing: re-render the outputs from a file saved with --dump (after editing notes.md). */
  render?: string;
}

const USAGE = 'use --releases N --seed S (whole numbers ≥ 1), --out DIR, --dump FILE, --render FILE';
const PATH_FLAGS = new Map<string, 'out' | 'dump' | 'render'>([['--out', 'out'], ['--dump', 'dump'], ['--render', 'render']]);

function parseWholeNumber(flag: string, text: string | undefined): number {
  const value = Number(text);
  if ((flag !== '--releases' && flag !== '--seed') || !Number.isInteger(value) || value < 1) {
    throw new Error(`bench judge: unknown or bad argument ${flag} ${text ?? ''}; ${USAGE}`);
  }
  return value;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { releases: 1000, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const text = argv[i + 1];
    const pathFlag = PATH_FLAGS.get(flag);
    if (pathFlag && text) options[pathFlag] = text;
    else options[flag === '--releases' ? 'releases' : 'seed'] = parseWholeNumber(flag, text);
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

/** A different stream of releases for tuning the threshold grid than the one everything is measured on. */
const TUNING_SEED_OFFSET = 0x5eed;

function cellSeed(cell: Cell, ratio: number, seed: number): number {
  return [cell.trafficPerSecond, cell.canaryShare * 100, cell.baseErrorRate * 1e4, ratio * 10].reduce((h, x) => Math.imul(h ^ Math.round(x), 0x9e3779b1) >>> 0, seed);
}

interface GridPass {
  criteria: readonly Criterion[];
  sink: GridSink;
}

/**
 * Simulates the cell's releases once; every rule judges each of them, and the threshold grid (when
 * asked) is evaluated in one pass over the same release.
 */
function runCell(cell: Cell, ratio: number, rules: readonly Rule[], run: { seed: number; releases: number; grid?: GridPass }): Tally[] {
  const { releases, grid } = run;
  const random = createSeededRandom(cellSeed(cell, ratio, run.seed));
  const tallies = rules.map(() => emptyTally());
  const gridOut = new Float64Array(grid ? grid.criteria.length * 6 : 0);
  const failures = new Int32Array(grid ? grid.criteria.length : 0);
  for (let r = 0; r < releases; r += 1) {
    const release = simulateRelease(random, cell, ratio);
    for (let k = 0; k < rules.length; k += 1) judgeRelease(rules[k]!, release, tallies[k]!);
    if (grid) grid.sink(gridOut, evaluateGrid(grid.criteria, release, gridOut, failures));
  }
  return tallies;
}

interface GridContext {
  criteria: readonly Criterion[];
  grid: readonly GridRule[];
  judgeIndex: number;
}

/** The tuning releases (their own seed): false aborts of healthy releases and the 2× score, per grid rule. */
function tuneCell(cell: Cell, options: Options, ctx: GridContext): { falseAborts: Float64Array; scores: Float64Array } {
  const healthy = new AbortCounter(ctx.grid.length);
  const regressed = new ScoreSum(ctx.grid.length);
  const seed = options.seed + TUNING_SEED_OFFSET;
  runCell(cell, 1, [], { seed, releases: options.releases, grid: { criteria: ctx.criteria, sink: healthy.sink } });
  runCell(cell, TUNED_RATIO, [], { seed, releases: options.releases, grid: { criteria: ctx.criteria, sink: regressed.sink } });
  return { falseAborts: healthy.rates(), scores: regressed.scores() };
}

/** Every rule on every scenario of one cell, and the tuned comparison of the cell under both budgets. */
function runCellScenarios(cell: Cell, rules: readonly Rule[], options: Options, ctx: GridContext): { results: CellResult[]; tuned: TunedComparison[] } {
  const tuning = tuneCell(cell, options, ctx);
  const healthy = new AbortCounter(ctx.grid.length);
  const detections = new DetectionMatrix(ctx.grid.length, options.releases);
  const sinks = new Map<number, GridSink>([[1, healthy.sink], [TUNED_RATIO, detections.sink]]);
  const results: CellResult[] = [];
  const tallyOf = new Map<number, Tally[]>();
  for (const ratio of RATIOS) {
    const sink = sinks.get(ratio);
    const tallies = runCell(cell, ratio, rules, { seed: options.seed, releases: options.releases, ...(sink ? { grid: { criteria: ctx.criteria, sink } } : {}) });
    tallyOf.set(ratio, tallies);
    rules.forEach((rule, k) => results.push({ ...cell, ratio, rule: rule.name, tally: tallies[k]!, summary: summarizeTally(tallies[k]!) }));
  }
  const judgeHealthy = tallyOf.get(1)![ctx.judgeIndex]!;
  const judgeRegressed = tallyOf.get(TUNED_RATIO)![ctx.judgeIndex]!;
  const data = {
    cell,
    grid: ctx.grid,
    tuningFalseAborts: tuning.falseAborts,
    tuningScores: tuning.scores,
    evaluationFalseAborts: healthy.rates(),
    evaluationDetections: detections,
    judge: profileFromDetections(judgeRegressed.requestsToAbort, judgeRegressed.releases),
    judgeFalseAbortRate: judgeHealthy.aborted / judgeHealthy.releases,
  };
  return { results, tuned: [compareCell(data, 'judge'), compareCell(data, 'alpha')] };
}

function measuredCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The judge the tuned rules are compared with: the plain one, without early promotion. */
const COMPARED_JUDGE = 'judge (α 0.01, tolerance 1.1)';

function runAll(options: Options): BenchOutcome {
  const rules = buildRules();
  const criteria = buildCriteria();
  const ctx = { criteria, grid: buildGrid(criteria), judgeIndex: rules.findIndex((r) => r.name === COMPARED_JUDGE) };
  if (ctx.judgeIndex < 0) throw new Error(`bench judge: no rule named ${COMPARED_JUDGE}`);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const cells: CellResult[] = [];
  const tuned: TunedComparison[] = [];
  for (const cell of buildCells()) {
    const done = runCellScenarios(cell, rules, options, ctx);
    cells.push(...done.results);
    tuned.push(...done.tuned);
    process.stdout.write(`bench judge: ${cell.trafficPerSecond} req/s, canary ${cell.canaryShare * 100}%, base errors ${cell.baseErrorRate * 100}% done (${Math.round((performance.now() - started) / 1000)} s)\n`);
  }
  const cpu = process.cpuUsage(cpuStarted);
  const commit = measuredCommit();
  return {
    date: new Date().toISOString(),
    machine: machine(),
    ...(commit ? { commit } : {}),
    releasesPerCell: options.releases,
    seed: options.seed,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    rules: rules.map((r) => r.name),
    gridRules: ctx.grid.length,
    cells,
    tuned,
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

/** JSON has no Infinity: a never-detected quantile is saved as the string "Infinity". */
const saveInfinity = (_key: string, value: unknown): unknown => (value === Infinity ? 'Infinity' : value);
const loadInfinity = (_key: string, value: unknown): unknown => (value === 'Infinity' ? Infinity : value);

const jsonLines = (values: readonly object[]): string => values.map((v) => `    ${JSON.stringify(v, saveInfinity)}`).join(',\n');

/** results.json: the run, then one line per cell and per tuned comparison (a never-detected quantile is "Infinity"). */
function renderJson(outcome: BenchOutcome): string {
  const { cells, tuned, ...run } = outcome;
  const head = JSON.stringify(run, null, 2).replace(/\n}$/, '');
  const json = `${head},\n  "cells": [\n${jsonLines(cells.map(({ tally: _tally, ...rest }) => rest))}\n  ],\n  "tuned": [\n${jsonLines(tuned)}\n  ]\n}\n`;
  JSON.parse(json);
  return json;
}

function writeOutputs(outcome: BenchOutcome, out: string | undefined): void {
  const dir = out ?? join(benchRoot, 'judge');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), renderJson(outcome));
  writeFileSync(join(dir, 'results.md'), renderFullTable(outcome));
  const notesFile = join(benchRoot, 'judge', 'notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  const docFile = join(repoRoot, 'docs', 'benchmarks.md');
  const doc = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Kanary benchmarks\n';
  writeFileSync(out ? join(out, 'benchmarks.md') : docFile, spliceSection(doc, renderJudgeSection(outcome, notes)));
  const where = out ? `${out}/` : 'bench/judge/';
  process.stdout.write(`bench judge: wrote ${where}results.json, ${where}results.md and the Judge section of ${out ? `${out}/benchmarks.md` : 'docs/benchmarks.md'} (${outcome.durationSeconds} s, ${outcome.cpuSeconds} s CPU)\n`);
}

function main(options: Options): void {
  if (options.render) {
    writeOutputs(JSON.parse(readFileSync(options.render, 'utf8'), loadInfinity) as BenchOutcome, options.out);
    return;
  }
  const outcome = runAll(options);
  if (options.dump) writeFileSync(options.dump, JSON.stringify(outcome, saveInfinity));
  writeOutputs(outcome, options.out);
}

main(parseOptions(process.argv.slice(2)));
