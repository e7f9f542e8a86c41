/// <reference lib="dom" />
/** The Rollout page's journal list and blue/green view. */
import { formatAge } from '../../cli/render-time.js';
import type { BlueGreenPageView, BlueGreenServiceRow, JournalEntryView } from '../page-sections.js';
import { h } from './dom.js';

function clockTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString([], { hour12: false });
}

function journalRow(entry: JournalEntryView, nowMs: number): HTMLElement {
  const details = [entry.reason, ...entry.values];
  return h('tr', { 'data-testid': 'journal-entry', 'data-decision': entry.decision },
    h('td', { title: entry.time }, `${clockTime(entry.time)} (${formatAge(nowMs - Date.parse(entry.time))} ago)`),
    h('td', {}, entry.step === undefined ? `rev ${entry.revision}` : `rev ${entry.revision}, step ${entry.step}`),
    h('td', { class: 'decision' }, entry.decision),
    h('td', {}, entry.by),
    h('td', {}, entry.weight ?? ''),
    h('td', { class: 'reason' }, details.join('\n')));
}

/** The journal, newest first; older entries beyond the status limit are on the AnalysisRuns and Events. */
export function renderJournal(entries: readonly JournalEntryView[], nowMs: number): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'empty' }, 'No decisions recorded yet.');
  const head = h('tr', {}, ...['When', 'Where', 'Decision', 'By', 'Weight', 'Why'].map((t) => h('th', {}, t)));
  return h('table', { class: 'journal', 'data-testid': 'journal' }, h('thead', {}, head), h('tbody', {}, ...entries.map((e) => journalRow(e, nowMs))));
}

function serviceRow(row: BlueGreenServiceRow): HTMLElement {
  const revision = row.revision === undefined ? '-' : `revision ${row.revision}`;
  return h('tr', { 'data-testid': `bg-${row.role}` },
    h('td', {}, row.role), h('td', {}, row.service), h('td', { class: 'revision' }, revision), h('td', {}, row.hash ?? '-'), h('td', {}, row.replicaSet ?? ''));
}

export function renderBlueGreen(view: BlueGreenPageView): HTMLElement {
  const analyses = [
    view.prePromotionAnalysis ? h('li', { 'data-testid': 'bg-pre' }, `pre-promotion: ${view.prePromotionAnalysis}`) : null,
    view.postPromotionAnalysis ? h('li', { 'data-testid': 'bg-post' }, `post-promotion: ${view.postPromotionAnalysis}`) : null,
  ].filter((li) => li !== null);
  const head = h('tr', {}, ...['Role', 'Service', 'Selects', 'Hash', 'ReplicaSet'].map((t) => h('th', {}, t)));
  return h('section', { 'data-testid': 'bluegreen' }, h('h3', {}, 'Blue/green'),
    h('p', { 'data-testid': 'bg-stage' }, view.stage),
    h('table', {}, h('thead', {}, head), h('tbody', {}, ...view.services.map(serviceRow))),
    h('p', {}, `Promotion: ${view.promotion}.`),
    analyses.length > 0 ? h('ul', { class: 'runs' }, ...analyses) : null);
}
