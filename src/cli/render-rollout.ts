/**
 * `kanary get rollout` as text (pure): a header of facts, then the tree of revisions, ReplicaSets,
 * pods, AnalysisRuns and their metrics. Colours and Unicode follow the TerminalStyle; with
 * PLAIN_STYLE the output is plain ASCII.
 */
import { formatDurationMs } from '../api/duration.js';
import { countIcons, statusLabel } from './render-icons.js';
import type { PauseView } from './render-rollout-pause.js';
import { renderBlueGreenLines } from './render-bluegreen.js';
import type { AnalysisRunView, ReplicaSetView, RevisionView, RolloutView } from './render-rollout-view.js';
import { formatAge, formatRemaining } from './render-time.js';
import { padVisible, paint, type TerminalStyle, visibleWidth } from './terminal.js';

const LABEL_WIDTH = 18;
const BAR_WIDTH = 20;

function field(label: string, value: string | number): string {
  return `${label.padEnd(LABEL_WIDTH)}${value}`;
}

/** `[#######-------------]`: how much of a timed pause has passed. */
export function renderCountdownBar(style: TerminalStyle, pause: { durationMs: number; remainingMs: number }): string {
  const done = pause.durationMs > 0 ? (pause.durationMs - pause.remainingMs) / pause.durationMs : 1;
  const filled = Math.min(BAR_WIDTH, Math.max(0, Math.round(done * BAR_WIDTH)));
  const [full, empty] = style.unicode ? ['█', '░'] : ['#', '-'];
  return `[${paint(style, 'info', full.repeat(filled))}${empty.repeat(BAR_WIDTH - filled)}]`;
}

function renderPause(style: TerminalStyle, pause: PauseView): string[] {
  if (pause.kind === 'timed') {
    const left = `${formatRemaining(pause.remainingMs)} left of ${formatDurationMs(pause.durationMs)}`;
    return [field('Pause:', `${renderCountdownBar(style, pause)} ${left}`)];
  }
  const [promote, abort] = pause.commands;
  return [
    field('Paused:', paint(style, 'warn', pause.reason)),
    field('  Promote:', paint(style, 'bold', promote ?? '')),
    field('  Abort:', paint(style, 'bold', abort ?? '')),
  ];
}

function renderImages(view: RolloutView): string[] {
  if (view.images.length === 0) return [field('Images:', '-')];
  return view.images.map((image, i) => {
    const tags = image.tags.map((t) => ` (${view.blueGreen && t === 'canary' ? 'preview' : t})`).join('');
    return field(i === 0 ? 'Images:' : '', `${image.image}${tags}`);
  });
}

function renderStrategy(view: RolloutView): string[] {
  const lines = [field('Strategy:', view.strategy)];
  if (view.blueGreen) return [...lines, ...renderBlueGreenLines(view.blueGreen, field)];
  if (view.step) lines.push(field('  Step:', `${view.step.current}/${view.step.total} (${view.step.description})`));
  lines.push(field('  SetWeight:', view.setWeight), field('  ActualWeight:', view.actualWeight));
  if (view.routes) lines.push(field('  Routes:', view.routes));
  if (view.baseline) lines.push(field('  Baseline:', view.baseline));
  return lines;
}

function renderHeader(style: TerminalStyle, view: RolloutView): string[] {
  const lines = [
    field('Name:', paint(style, 'bold', view.name)),
    field('Namespace:', view.namespace),
    field('Status:', statusLabel(style, view.phase)),
  ];
  if (view.message) lines.push(field('Message:', view.message));
  if (view.lastDecision) lines.push(field('Last decision:', view.lastDecision));
  for (const problem of view.specProblems ?? []) lines.push(field('Spec problem:', paint(style, 'bad', problem)));
  lines.push(...renderStrategy(view));
  if (view.pause) lines.push(...renderPause(style, view.pause));
  if (view.retryCommand) lines.push(field('  Retry:', paint(style, 'bold', view.retryCommand)));
  if (view.workload) lines.push(field('Workload:', view.workload));
  const r = view.replicas;
  lines.push(...renderImages(view), 'Replicas:', field('  Desired:', r.desired), field('  Current:', r.current),
    field('  Updated:', r.updated), field('  Ready:', r.ready), field('  Available:', r.available));
  return lines;
}

// ---------------------------------------------------------------- tree

interface Row {
  /** Tree lines before the name. */
  prefix: string;
  name: string;
  kind: string;
  status: string;
  age: string;
  info: string;
}

interface Node {
  row: Omit<Row, 'prefix'>;
  children: Node[];
}

function countsInfo(style: TerminalStyle, run: AnalysisRunView): string {
  const [ok, bad, unsure, err] = countIcons(style);
  const c = run.counts;
  const parts: [string, number][] = [[ok, c.successful], [bad, c.failed], [unsure, c.inconclusive], [err, c.error]];
  return parts.filter(([, n]) => n > 0).map(([icon, n]) => `${icon} ${n}`).join('  ');
}

/** A judged metric's line; plain (ASCII) output writes `x` for `×`. */
function judgeInfo(style: TerminalStyle, metric: AnalysisRunView['metrics'][number], judge: string): string {
  const line = metric.phase === 'Error' && metric.message !== undefined ? `${judge}; last: ${metric.message}` : judge;
  return style.unicode ? line : line.replaceAll('×', 'x');
}

function metricInfo(style: TerminalStyle, metric: AnalysisRunView['metrics'][number]): string {
  if (metric.judge !== undefined) return judgeInfo(style, metric, metric.judge);
  const value = metric.displayValue ?? metric.value ?? metric.message ?? 'no measurement yet';
  return metric.condition ? `${value} vs ${metric.condition}` : value;
}

function runNode(style: TerminalStyle, run: AnalysisRunView): Node {
  const metrics: Node[] = run.metrics.map((m) => ({
    row: { name: m.name, kind: 'Metric', status: statusLabel(style, m.phase), age: '', info: metricInfo(style, m) },
    children: [],
  }));
  const kind = run.kind === 'background' ? 'AnalysisRun (background)' : 'AnalysisRun';
  return {
    row: { name: run.name, kind, status: statusLabel(style, run.phase, run.phase === 'Running' ? 'Progressing' : run.phase), age: formatAge(run.ageMs), info: countsInfo(style, run) },
    children: metrics,
  };
}

function replicaSetInfo(rs: ReplicaSetView): string {
  const parts: string[] = rs.role === 'old' ? [] : [rs.role];
  if (rs.scaleDownInMs !== undefined) parts.push(`scale-down in ${formatRemaining(rs.scaleDownInMs)}`);
  return parts.join(', ');
}

function replicaSetNode(style: TerminalStyle, rs: ReplicaSetView): Node {
  const pods: Node[] = rs.pods.map((pod) => {
    const ready = pod.ready.split('/');
    const iconStatus = pod.status === 'Running' && ready[0] !== ready[1] ? 'Progressing' : pod.status;
    const info = [`ready:${pod.ready}`, ...(pod.restarts > 0 ? [`restarts:${pod.restarts}`] : [])].join(', ');
    return { row: { name: pod.name, kind: 'Pod', status: statusLabel(style, pod.status, iconStatus), age: formatAge(pod.ageMs), info }, children: [] };
  });
  const status = statusLabel(style, rs.status);
  return { row: { name: rs.name, kind: 'ReplicaSet', status, age: formatAge(rs.ageMs), info: replicaSetInfo(rs) }, children: pods };
}

function revisionNode(style: TerminalStyle, revision: RevisionView): Node {
  const children = [...revision.replicaSets.map((rs) => replicaSetNode(style, rs)), ...revision.analysisRuns.map((run) => runNode(style, run))];
  return { row: { name: `revision:${revision.revision}`, kind: '', status: '', age: '', info: '' }, children };
}

function treeGlyphs(style: TerminalStyle): { mid: string; last: string; bar: string; gap: string } {
  return style.unicode
    ? { mid: '├──', last: '└──', bar: '│  ', gap: '   ' }
    : { mid: '|--', last: '`--', bar: '|  ', gap: '   ' };
}

function flatten(style: TerminalStyle, nodes: Node[], indent: string): Row[] {
  const g = treeGlyphs(style);
  return nodes.flatMap((node, i) => {
    const last = i === nodes.length - 1;
    const row: Row = { ...node.row, prefix: `${indent}${last ? g.last : g.mid} ` };
    return [row, ...flatten(style, node.children, `${indent}${last ? g.gap : g.bar}`)];
  });
}

function renderRows(rows: Row[]): string[] {
  const nameWidth = Math.max(...rows.map((r) => r.prefix.length + r.name.length));
  const kindWidth = Math.max(...rows.map((r) => r.kind.length));
  const statusWidth = Math.max(...rows.map((r) => visibleWidth(r.status)));
  return rows.map((r) => [
    `${r.prefix}${r.name}`.padEnd(nameWidth), r.kind.padEnd(kindWidth), padVisible(r.status, statusWidth), r.age.padEnd(4), r.info,
  ].join('  ').trimEnd());
}

function renderTree(style: TerminalStyle, view: RolloutView): string[] {
  const root: Row = { prefix: '', name: view.name, kind: 'Rollout', status: statusLabel(style, view.phase), age: formatAge(view.ageMs), info: '' };
  const rows = [root, ...flatten(style, view.revisions.map((r) => revisionNode(style, r)), '')];
  const header: Row = { prefix: '', name: 'NAME', kind: 'KIND', status: 'STATUS', age: 'AGE', info: 'INFO' };
  return renderRows([header, ...rows]);
}

/** The full screen of `kanary get rollout`, ending with a newline. */
export function renderRollout(view: RolloutView, style: TerminalStyle): string {
  return `${[...renderHeader(style, view), '', ...renderTree(style, view)].join('\n')}\n`;
}
