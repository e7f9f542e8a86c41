/**
 * Issue 21: the table "Every Argo canary field" in docs/migrating-from-argo-rollouts.md and the
 * corpus in test/fixtures/argo-canary-corpus cannot drift apart. Every supported field of the table
 * is used by a manifest that must run to Healthy, every refused one is listed by a refused manifest,
 * every field the corpus's Rollouts use is in the table, and `kanary lint`'s rules (validateRollout)
 * accept the healthy Rollouts and name exactly the listed fields of the refused ones (besides the
 * ambassador router a non-Emissary trafficRouting lacks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPathPattern } from '../../src/api/argo-fields.js';
import { validateRollout } from '../../src/api/validate-rollout.js';
import { CORPUS_DIR, corpusEntries, fieldPaths, loadDocs, rolloutOf, type Doc, type RefusedEntry } from '../fixtures/argo-canary-corpus/corpus.js';

const SECTION = '## Every Argo canary field';
const OUTCOMES = ['supported', 'supported, better', 'refused'] as const;

interface Row {
  path: string;
  outcome: string;
}

function tableRows(): Row[] {
  const doc = readFileSync(join(CORPUS_DIR, '..', '..', '..', 'docs', 'migrating-from-argo-rollouts.md'), 'utf8');
  const start = doc.indexOf(SECTION);
  const section = doc.slice(start, doc.indexOf('\n## ', start + SECTION.length));
  return section.split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [, path = '', outcome = ''] = /^\| `([^`]+)` \| ([^|]+?) \|/.exec(line) ?? [];
      return { path, outcome };
    });
}

const entries = corpusEntries();
const rows = tableRows();
const docsOf = (file: string): Doc[] => loadDocs(join(CORPUS_DIR, file));
const rolloutPaths = (file: string, name: string): string[] => fieldPaths(rolloutOf(docsOf(file), name)).filter((p) => p.startsWith('spec.'));
const healthyPaths = new Set(entries.filter((e) => e.outcome === 'healthy').flatMap((e) => rolloutPaths(e.file, e.rollout)));
const refused = entries.filter((e): e is RefusedEntry => e.outcome === 'refused');
const refusedPaths = new Set(refused.flatMap((e) => e.fields.map(toPathPattern)));

/** A path is the row's, under it (a sub-field or map key), or above it (an object that holds it). */
function related(path: string, row: string): boolean {
  const under = (a: string, b: string) => a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return path === row || under(path, row) || under(row, path);
}

test('the table has a row per field, each supported, supported better or refused', () => {
  expect(rows.length).toBeGreaterThan(60);
  expect(rows.filter((r) => !(OUTCOMES as readonly string[]).includes(r.outcome))).toEqual([]);
  expect(new Set(rows.map((r) => r.path)).size).toBe(rows.length);
});

test('every supported field of the table is used by a manifest that must run to Healthy', () => {
  const missing = rows.filter((r) => r.outcome !== 'refused' && !healthyPaths.has(r.path)).map((r) => r.path);
  expect(missing).toEqual([]);
});

test('every refused field of the table is listed by a refused manifest, and every listed field is a refused row', () => {
  expect(rows.filter((r) => r.outcome === 'refused' && !refusedPaths.has(r.path)).map((r) => r.path)).toEqual([]);
  const refusedRows = new Set(rows.filter((r) => r.outcome === 'refused').map((r) => r.path));
  expect([...refusedPaths].filter((p) => !refusedRows.has(p))).toEqual([]);
});

test('every field the corpus Rollouts use is in the table', () => {
  const used = new Set(entries.flatMap((e) => rolloutPaths(e.file, e.rollout)));
  expect([...used].filter((path) => !rows.some((r) => related(path, r.path)))).toEqual([]);
});

test.each(entries.filter((e) => e.outcome === 'healthy').map((e) => [e.file, e] as const))('%s: Kanary accepts the Rollout (apiVersion migrated)', (file, entry) => {
  const rollout = { ...rolloutOf(docsOf(file), entry.rollout), apiVersion: 'kanary.dev/v1alpha1' };
  expect(validateRollout(rollout).problems).toEqual([]);
});

test.each(refused.map((e) => [e.file, e] as const))('%s: Kanary names each listed field', (file, entry) => {
  const rollout = { ...rolloutOf(docsOf(file), entry.rollout), apiVersion: 'kanary.dev/v1alpha1' };
  const named = validateRollout(rollout).problems.map((p) => p.path);
  expect(named).toEqual(expect.arrayContaining(entry.fields));
  // Anything else named is what the refused fields leave missing (a router or the Services it replaced).
  const consequences = ['spec.strategy.canary.trafficRouting.ambassador', 'spec.strategy.canary.canaryService', 'spec.strategy.canary.stableService'];
  expect(named.filter((p) => !entry.fields.includes(p) && !consequences.includes(p))).toEqual([]);
});
