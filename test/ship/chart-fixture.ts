/** Renders charts/kanary with the real helm CLI (`helm template`) for the ship tests. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart, type ManifestObject, type RenderedManifest } from './helm.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chartDir = join(repoRoot, 'charts', 'kanary');

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function renderKanary(values: Record<string, unknown> = {}, namespace = 'kanary-system'): Promise<RenderedManifest[]> {
  return renderChart({ chartDir, values, namespace, release: 'kanary' });
}

export function objectsOf(manifests: readonly RenderedManifest[], kind: string): Obj[] {
  return manifests.map((m) => m.object as ManifestObject & Obj).filter((o) => o.kind === kind);
}

export function onlyObject(manifests: readonly RenderedManifest[], kind: string): Obj {
  const found = objectsOf(manifests, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0] as Obj;
}

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** `group/resource` -> sorted verbs, merged over all rules (for exact comparisons). */
export function permissionTable(rules: readonly Rule[]): Record<string, string[]> {
  const table: Record<string, Set<string>> = {};
  const keys = (rule: Rule) => rule.apiGroups.flatMap((group) => rule.resources.map((resource) => `${group || 'core'}/${resource}`));
  for (const rule of rules) {
    for (const key of keys(rule)) {
      table[key] ??= new Set();
      for (const verb of rule.verbs) table[key].add(verb);
    }
  }
  const entries = Object.keys(table).sort().map((key): [string, string[]] => [key, [...(table[key] ?? [])].sort()]);
  return Object.fromEntries(entries);
}
