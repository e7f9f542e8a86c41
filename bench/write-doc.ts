/**
 * Renders docs/benchmarks.md from bench/results/*.json: one table per result file (machine, date,
 * median/p90/p99/runs), the targets of issues 9 and 19 with pass/miss, the Dashboard section
 * (bench/dashboard-doc.ts), and the hand-written notes in bench/notes.md (causes of misses, load on
 * the machine while measuring).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardSection } from './dashboard-doc.js';
import { benchRoot, repoRoot, type BenchResult } from './lib/results.js';

interface Target {
  file: string;
  metric: string;
  field: 'median' | 'p90' | 'p99';
  max: number;
  label: string;
}

const TARGETS: Target[] = [
  { file: 'rollback-latency', metric: 'rollbackToWeightZero', field: 'median', max: 100, label: 'rollback to weight 0, median ≤ 100 ms' },
  { file: 'rollback-latency', metric: 'rollbackToWeightZero', field: 'p99', max: 500, label: 'rollback to weight 0, p99 ≤ 500 ms' },
  { file: 'step-latency', metric: 'stepLatency', field: 'median', max: 100, label: 'step latency, median ≤ 100 ms' },
  { file: 'step-latency', metric: 'pausePrecision', field: 'p99', max: 1000, label: 'timed pause precision, p99 within 1 s' },
  { file: 'api-cost', metric: 'idleRequestsPerRolloutPerMinute', field: 'median', max: 0, label: '0 requests per idle rollout per minute' },
  { file: 'api-cost', metric: 'writesPerSetWeightStep', field: 'p99', max: 3, label: '≤ 3 writes per setWeight step (events counted apart)' },
  { file: 'scale', metric: 'stepLatency_500', field: 'p99', max: 2000, label: '500 rollouts: p99 step latency ≤ 2 s (issue 20)' },
  { file: 'scale', metric: 'controllerPeakRss_500', field: 'median', max: 200, label: '500 rollouts: controller RSS ≤ 200 MB (issue 20)' },
  { file: 'scale', metric: 'cpuPerSetWeightStep_500', field: 'median', max: 10, label: '500 rollouts: controller CPU per setWeight step ≤ 10 ms (issue 20)' },
  { file: 'idle', metric: 'idleRss', field: 'median', max: 80, label: 'controller at rest with 10 Rollouts: RSS ≤ 80 MB (issue 20)' },
  { file: 'cli-startup', metric: 'getRatio', field: 'median', max: 1.5, label: 'kanary get rollout ≤ 1.5× kubectl get (median ratio)' },
  { file: 'cli-startup', metric: 'promoteRatio', field: 'median', max: 1.5, label: 'kanary promote ≤ 1.5× kubectl patch (median ratio)' },
  { file: 'cli-startup', metric: 'abortRatio', field: 'median', max: 1.5, label: 'kanary abort ≤ 1.5× kubectl patch (median ratio)' },
  { file: 'cli-startup', metric: 'kanaryVersion', field: 'median', max: 150, label: 'kanary version ≤ 150 ms' },
  { file: 'dashboard', metric: 'overviewInteractive_500', field: 'median', max: 2000, label: 'dashboard: 500 Rollouts interactive < 2 s (median; issue 19)' },
  { file: 'dashboard', metric: 'updateToDom', field: 'median', max: 500, label: 'dashboard: API write → DOM, median < 500 ms (issue 19)' },
];

function loadResults(): Map<string, BenchResult> {
  const dir = join(benchRoot, 'results');
  const results = new Map<string, BenchResult>();
  if (!existsSync(dir)) return results;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const result = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchResult;
    results.set(result.name, result);
  }
  return results;
}

/** Results written before the stack recorded its version were all measured on v1.20.2. */
function kubernetesVersionOf(result: BenchResult): string {
  return result.kubernetesVersion ?? 'v1.20.2';
}

/** The Judge section (bench/judge writes it into the page; it needs no cluster), kept as it is. */
function judgeSection(file: string): string {
  if (!existsSync(file)) return '';
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf('\n## Judge');
  if (start < 0) return '';
  const next = doc.indexOf('\n## ', start + 1);
  return doc.slice(start + 1, next < 0 ? undefined : next).trimEnd();
}

function table(result: BenchResult): string[] {
  const m = result.machine;
  const lines = [
    `### ${result.name}`,
    '',
    `${m.cores} cores, ${m.memoryGb} GB memory, Node ${m.node}, Kubernetes ${kubernetesVersionOf(result)}, measured ${result.date}${result.commit ? ` at commit ${result.commit}` : ''}.`,
    '',
    '| metric | unit | median | p90 | p99 | runs |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const [name, s] of Object.entries(result.metrics)) lines.push(`| ${name} | ${s.unit} | ${s.median} | ${s.p90} | ${s.p99} | ${s.runs} |`);
  return [...lines, ''];
}

function targetLine(target: Target, results: Map<string, BenchResult>): string {
  const summary = results.get(target.file)?.metrics[target.metric];
  if (!summary) return `| ${target.label} | not measured | — |`;
  const value = summary[target.field];
  return `| ${target.label} | ${target.field} ${value} ${summary.unit} | ${value <= target.max ? 'met' : '**missed**'} |`;
}

function render(results: Map<string, BenchResult>, judge: string): string {
  const notesFile = join(benchRoot, 'notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8').trim() : '';
  return [
    '# Kanary benchmarks',
    '',
    'Generated by `npm run bench` (bench/write-doc.ts) from bench/results/*.json; the notes section is',
    'bench/notes.md. Every figure is measured on the local stack (real kube-apiserver and',
    'kube-controller-manager, simulated kubelet) with the real controller process (built code); each',
    'table names the Kubernetes version it was measured on.',
    '',
    '## Targets (issues 9, 19 and 20)',
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
    ...TARGETS.map((t) => targetLine(t, results)),
    '',
    '## Results',
    '',
    ...[...results.values()].flatMap(table),
    ...dashboardSection(results.get('dashboard')),
    '## Notes',
    '',
    notes,
    '',
    ...(judge ? [judge, ''] : []),
  ].join('\n');
}

export function writeDoc(): void {
  const file = join(repoRoot, 'docs', 'benchmarks.md');
  writeFileSync(file, render(loadResults(), judgeSection(file)));
  console.log(`bench: wrote ${file}`);
}
