/// <reference lib="dom" />
/** One Rollout: header, actions, step timeline with pause countdown, charts, revisions, Mappings. */
import { formatAge, formatRemaining } from '../../cli/render-time.js';
import type { ReplicaSetView, RevisionView } from '../../cli/render-rollout-view.js';
import type { ActionView, MappingView, RolloutPage, StepView } from '../view-model.js';
import { renderMetricChart, renderWeightChart } from './charts.js';
import { h } from './dom.js';
import { renderBlueGreen, renderJournal } from './page-sections.js';

export const VERB_LABELS: Record<string, string> = {
  promote: 'Promote', promoteFull: 'Promote --full', abort: 'Abort', retry: 'Retry', pause: 'Pause',
};

/** Where the release stands: the canary's step and weight, or the revision the active Service selects. */
function renderPosition(page: RolloutPage): (Node | string)[] {
  const { summary } = page;
  if (summary.strategy === 'BlueGreen') {
    return [' · blue/green, active Service on ', h('strong', { 'data-testid': 'active-revision' }, summary.activeRevision === undefined ? '-' : `revision ${summary.activeRevision}`)];
  }
  return [' · step ', h('span', { 'data-testid': 'step' }, summary.step), ' · canary weight ',
    h('strong', { 'data-testid': 'weight' }, `${summary.actualWeight}%`), ' (set ', h('span', { 'data-testid': 'set-weight' }, `${summary.setWeight}%`), ')'];
}

function renderHeader(page: RolloutPage): HTMLElement {
  const { summary, view } = page;
  return h('header', { class: 'rollout-header' },
    h('h2', {}, `${summary.namespace} / ${summary.name}`),
    h('p', {},
      h('span', { class: `phase phase-${summary.phase}`, 'data-testid': 'phase' }, summary.phase), ...renderPosition(page),
      ` · ${view.replicas.available}/${view.replicas.desired} available · release running ${formatAge(summary.releaseAgeMs)}`),
    summary.invalidSpec ? h('p', { class: 'invalid', 'data-testid': 'invalid-spec' }, summary.invalidSpec) : null,
    summary.message ? h('p', { class: 'message', 'data-testid': 'message' }, summary.message) : null,
    view.lastDecision ? h('p', { class: 'last-decision', 'data-testid': 'last-decision' }, 'Last decision: ', view.lastDecision) : null,
    h('p', { class: 'images' }, summary.images.join(' · ')),
  );
}

function renderActions(actions: readonly ActionView[], readOnly: boolean): HTMLElement {
  const buttons = actions.map((action) => {
    const reason = readOnly ? 'the dashboard runs with --read-only' : action.disabledReason;
    const button = h('button', { type: 'button', 'data-verb': action.verb, title: reason ?? `kanary ${VERB_LABELS[action.verb]?.toLowerCase() ?? action.verb}` }, VERB_LABELS[action.verb] ?? action.verb);
    button.disabled = reason !== undefined;
    return button;
  });
  return h('div', { class: 'actions', 'data-testid': 'actions' }, ...buttons);
}

function renderPause(page: RolloutPage, receivedAtMs: number): HTMLElement | null {
  const pause = page.view.pause;
  if (!pause) return null;
  if (pause.kind === 'indefinite') return h('p', { class: 'pause', 'data-testid': 'pause' }, `Paused: ${pause.reason}.`);
  const deadline = String(receivedAtMs + pause.remainingMs);
  return h('p', { class: 'pause', 'data-testid': 'pause' }, `Paused: ${pause.reason}, `,
    h('span', { 'data-testid': 'pause-countdown', 'data-deadline': deadline }, formatRemaining(pause.remainingMs)), ' left.');
}

function renderStep(step: StepView): HTMLElement {
  return h('li', { class: `step step-${step.state}`, 'data-state': step.state }, h('span', { class: 'step-number' }, String(step.index + 1)), ' ', step.description);
}

function renderSteps(page: RolloutPage, receivedAtMs: number): HTMLElement {
  const list = page.steps.length === 0 ? h('p', { class: 'empty' }, 'No steps: every change goes straight to 100%.') : h('ol', { class: 'steps', 'data-testid': 'steps' }, ...page.steps.map(renderStep));
  return h('section', {}, h('h3', {}, 'Steps'), list, renderPause(page, receivedAtMs));
}

function renderReplicaSet(rs: ReplicaSetView): HTMLElement[] {
  const row = h('tr', { class: `rs role-${rs.role}` },
    h('td', {}, rs.name), h('td', {}, rs.role), h('td', {}, rs.status), h('td', {}, `${rs.available}/${rs.desired}`), h('td', {}, formatAge(rs.ageMs)));
  const pods = rs.pods.map((pod) => h('tr', { class: 'pod' },
    h('td', {}, `  ${pod.name}`), h('td', {}, 'pod'), h('td', {}, pod.status), h('td', {}, pod.ready), h('td', {}, formatAge(pod.ageMs))));
  return [row, ...pods];
}

function renderRevision(revision: RevisionView): HTMLElement {
  const runs = revision.analysisRuns.map((run) => h('li', {}, `${run.name} (${run.kind}): ${run.phase}, ✔ ${run.counts.successful} ✖ ${run.counts.failed}`));
  return h('div', { class: 'revision' }, h('h4', {}, `Revision ${revision.revision}`),
    h('table', {}, h('tbody', {}, ...revision.replicaSets.flatMap(renderReplicaSet))),
    runs.length > 0 ? h('ul', { class: 'runs' }, ...runs) : null);
}

function renderMapping(mapping: MappingView): HTMLElement {
  return h('tr', { 'data-testid': `mapping-${mapping.role}` }, h('td', {}, mapping.name), h('td', {}, mapping.role),
    h('td', {}, mapping.weight === undefined ? '-' : `${mapping.weight}%`), h('td', {}, mapping.service ?? ''), h('td', {}, mapping.prefix ?? ''));
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', {}, h('h3', {}, title), ...children);
}

export function renderRolloutPage(page: RolloutPage, options: { readOnly: boolean; nowMs: number; receivedAtMs: number }): HTMLElement {
  const mappings = page.mappings.length === 0 ? h('p', { class: 'empty' }, 'No Mappings (no traffic routing, or not created yet).')
    : h('table', {}, h('tbody', {}, ...page.mappings.map(renderMapping)));
  const metrics = page.metrics.length === 0 ? h('p', { class: 'empty' }, 'No analysis runs.') : h('div', { class: 'metrics' }, ...page.metrics.map(renderMetricChart));
  const progress = page.blueGreen !== undefined
    ? [renderBlueGreen(page.blueGreen), renderPause(page, options.receivedAtMs)]
    : [renderSteps(page, options.receivedAtMs), section('Canary weight over time', renderWeightChart(page.weightHistory, options.nowMs))];
  return h('article', { class: 'rollout' },
    renderHeader(page),
    renderActions(page.actions, options.readOnly),
    ...progress,
    section('Analysis', metrics),
    section('Decisions', renderJournal(page.journal, options.nowMs)),
    section('Revisions', ...page.view.revisions.map(renderRevision)),
    section('Mappings', mappings),
  );
}
