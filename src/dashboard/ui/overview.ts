/// <reference lib="dom" />
/** The overview: one row per Rollout, filtered by the text box (name, namespace, status, image). */
import { formatAge } from '../../cli/render-time.js';
import type { RolloutSummary } from '../view-model.js';
import { h } from './dom.js';

export function matchesFilter(row: RolloutSummary, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [row.namespace, row.name, row.phase, ...row.images, row.message ?? ''].join(' ').toLowerCase();
  return needle.split(/\s+/).every((word) => haystack.includes(word));
}

export function rolloutHref(row: { namespace: string; name: string }): string {
  return `#/rollouts/${encodeURIComponent(row.namespace)}/${encodeURIComponent(row.name)}`;
}

function messageCell(row: RolloutSummary): HTMLElement {
  if (row.invalidSpec) return h('td', { class: 'invalid', 'data-testid': 'invalid-spec' }, row.invalidSpec);
  return h('td', { class: 'message' }, row.message ?? '');
}

/** Step and traffic: the canary's step and weight, or blue/green and the revision the active Service selects. */
function trafficCells(row: RolloutSummary): HTMLElement[] {
  if (row.strategy === 'BlueGreen') {
    const active = row.activeRevision === undefined ? 'active: -' : `active: revision ${row.activeRevision}`;
    return [h('td', {}, 'blue/green'), h('td', { 'data-testid': 'active' }, active)];
  }
  return [h('td', {}, row.step), h('td', { 'data-testid': 'weight' }, `${row.actualWeight}%`)];
}

function buildRow(row: RolloutSummary): HTMLElement {
  return h('tr', { 'data-testid': 'rollout-row', 'data-key': `${row.namespace}/${row.name}` },
    h('td', {}, row.namespace),
    h('td', {}, h('a', { href: rolloutHref(row) }, row.name)),
    h('td', {}, h('span', { class: `phase phase-${row.phase}` }, row.phase)),
    ...trafficCells(row),
    h('td', { class: 'images' }, row.images.join('\n')),
    messageCell(row),
    h('td', {}, formatAge(row.releaseAgeMs)),
  );
}

export function renderOverview(rows: readonly RolloutSummary[], filter: string): HTMLElement {
  const shown = rows.filter((row) => matchesFilter(row, filter));
  const head = h('tr', {}, ...['Namespace', 'Name', 'Status', 'Step', 'Traffic', 'Images', 'Message', 'Release running'].map((t) => h('th', {}, t)));
  const empty = shown.length === 0 ? h('p', { class: 'empty' }, rows.length === 0 ? 'No Rollouts visible.' : 'No Rollout matches the filter.') : null;
  return h('section', {}, h('table', { class: 'rollouts' }, h('thead', {}, head), h('tbody', {}, ...shown.map(buildRow))), empty);
}
