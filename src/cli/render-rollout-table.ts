/**
 * `kanary list rollouts` as a table (pure): NAME STRATEGY STATUS STEP SET-WEIGHT READY DESIRED
 * UP-TO-DATE AVAILABLE, with NAMESPACE first for -A.
 */
import { canaryStrategyOf, rolloutSchema, type CanaryStep } from '../api/rollout.js';
import { computeDesiredWeight } from '../core/desired-weight.js';
import { statusLabel } from './render-icons.js';
import type { RolloutObject } from './rollout-client.js';
import { padVisible, type TerminalStyle, visibleWidth } from './terminal.js';

export interface RolloutRow {
  namespace: string;
  name: string;
  strategy: string;
  status: string;
  step: string;
  setWeight: string;
  ready: string;
  desired: number;
  upToDate: number;
  available: number;
}

interface StatusCounts {
  phase?: string;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentStepIndex?: number;
  stableRS?: string;
  currentPodHash?: string;
  abort?: boolean;
  promoteFull?: boolean;
}

function stepAndWeight(raw: RolloutObject, status: StatusCounts): { step: string; setWeight: string; desired: number } {
  const parsed = rolloutSchema.safeParse(raw);
  if (!parsed.success) return { step: '-', setWeight: '-', desired: 0 };
  // Blue/green has no steps and no weights: the switch moves all users at once.
  if (parsed.data.spec.strategy.blueGreen !== undefined) return { step: '-', setWeight: '-', desired: parsed.data.spec.replicas };
  return { ...canaryStepAndWeight(canaryStrategyOf(parsed.data).steps ?? [], status), desired: parsed.data.spec.replicas };
}

function canaryStepAndWeight(steps: readonly CanaryStep[], status: StatusCounts): { step: string; setWeight: string } {
  const index = Math.min(status.currentStepIndex ?? 0, steps.length);
  const complete = status.stableRS !== undefined && status.stableRS === status.currentPodHash && !status.abort;
  const weight = complete ? 100 : computeDesiredWeight({ steps, stepIndex: index, aborted: status.abort === true, promoteFull: status.promoteFull === true });
  const step = steps.length === 0 ? '-' : `${index < steps.length ? index + 1 : steps.length}/${steps.length}`;
  return { step, setWeight: String(weight) };
}

function strategyOf(raw: RolloutObject): 'BlueGreen' | 'Canary' {
  const strategy = (raw.spec as { strategy?: { blueGreen?: unknown } } | undefined)?.strategy;
  return strategy?.blueGreen !== undefined ? 'BlueGreen' : 'Canary';
}

export function buildRolloutRow(raw: RolloutObject): RolloutRow {
  const status = (raw.status ?? {}) as StatusCounts;
  const { phase = 'Unknown', readyReplicas = 0, replicas = 0, updatedReplicas = 0, availableReplicas = 0 } = status;
  const { namespace = '', name = '?' } = raw.metadata ?? {};
  const { step, setWeight, desired } = stepAndWeight(raw, status);
  return {
    namespace, name, strategy: strategyOf(raw), status: phase, step, setWeight,
    ready: `${readyReplicas}/${replicas}`, desired, upToDate: updatedReplicas, available: availableReplicas,
  };
}

const HEADERS = ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE'];

function cells(row: RolloutRow, style: TerminalStyle): string[] {
  return [row.name, row.strategy, statusLabel(style, row.status), row.step, row.setWeight, row.ready,
    String(row.desired), String(row.upToDate), String(row.available)];
}

/** The table, rows sorted by namespace then name; a one-line note when there is nothing. */
export function renderRolloutTable(rows: readonly RolloutRow[], options: { allNamespaces: boolean; style: TerminalStyle; namespace?: string }): string {
  if (rows.length === 0) {
    return options.allNamespaces ? 'No rollouts found in any namespace.\n' : `No rollouts found in namespace "${options.namespace ?? 'default'}".\n`;
  }
  const sorted = [...rows].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const table = [
    options.allNamespaces ? ['NAMESPACE', ...HEADERS] : HEADERS,
    ...sorted.map((row) => (options.allNamespaces ? [row.namespace, ...cells(row, options.style)] : cells(row, options.style))),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((line) => visibleWidth(line[col] ?? ''))));
  return `${table.map((line) => line.map((cell, col) => padVisible(cell, widths[col] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}
