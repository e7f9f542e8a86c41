/**
 * The operator docs stay true to the code: every controller flag and metric is documented (and
 * nothing that does not exist), the CEL conditions the migration guide shows compile, the paths
 * the docs name exist, and the chart values the install guide sets are real.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { compileCondition, createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { CONTROLLER_FLAGS_USAGE } from '../../src/config/controller-config.js';
import { createControllerMetrics } from '../../src/telemetry/metrics.js';
import { chartDir, repoRoot } from './chart-fixture.js';

const DOCS = ['getting-started.md', 'migrating-from-argo-rollouts.md', 'emissary.md', 'analysis.md', 'operations.md', 'blue-green.md'];
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const operations = read('docs/operations.md');
const flagsIn = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]+)/g)].map((m) => m[1] as string));

test('operations.md documents exactly the controller flags', () => {
  const table = operations.slice(operations.indexOf('## `kanary controller` flags'), operations.indexOf('## Endpoints'));
  expect([...flagsIn(table)].sort()).toEqual([...flagsIn(CONTROLLER_FLAGS_USAGE)].sort());
});

test('operations.md documents exactly the controller metrics', async () => {
  const metrics = createControllerMetrics({ collectDefaultMetrics: false });
  const registered = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('kanary_')).sort();
  const documented = [...new Set([...operations.matchAll(/^\| `(kanary_[a-z_]+)`/gm)].map((m) => m[1]))].sort();
  expect(documented).toEqual(registered);
});

test('the Kanary CEL conditions of the migration guide compile', () => {
  const guide = read('docs/migrating-from-argo-rollouts.md');
  const section = guide.slice(guide.indexOf('## Analysis conditions are CEL'), guide.indexOf('## Where Kanary'));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  const env = createConditionEnvironment();
  const kanaryColumn = (row: string): string | undefined => {
    const [argo = '', kanary = ''] = row.split(' | ');
    const source = kanary.startsWith('unchanged') ? argo : kanary;
    return /`([^`]+)`/.exec(source)?.[1];
  };
  const expressions = rows.map(kanaryColumn).filter((e): e is string => e !== undefined);
  expect(expressions.length).toBeGreaterThanOrEqual(5);
  for (const expression of expressions) expect({ expression, ok: compileCondition(env, expression).ok }).toEqual({ expression, ok: true });
});

test.each(DOCS)('docs/%s: linked docs and named repository paths exist', (file) => {
  const text = read(`docs/${file}`);
  const links = [...text.matchAll(/\]\(([^)#:]+\.md)\)/g)].map((m) => join('docs', m[1] as string));
  const paths = [...text.matchAll(/`((?:examples|charts|docs|crds)\/[^`\s*]+)`/g)].map((m) => (m[1] as string).replace(/\/$/, ''));
  for (const path of [...links, ...paths]) expect({ path, exists: existsSync(join(repoRoot, path)) }).toEqual({ path, exists: true });
});

test('every chart value the install guide sets exists in values.yaml', () => {
  const values = yaml.load(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const keys = [...read('docs/getting-started.md').matchAll(/--set '?([a-zA-Z.]+)=/g)].map((m) => m[1] as string);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    const found = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], values);
    expect({ key, found: found !== undefined }).toEqual({ key, found: true });
  }
});
