/**
 * tools/helm-render behaves like `helm template` for the features the chart relies on: values
 * coalescing (null removes a default), include, tpl, required, toYaml/fromYaml, sprig, .Chart,
 * .Release, .Template, missing keys rendering empty, and partials/NOTES.txt never rendered.
 */
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { ChartRenderError, renderChart } from '../../src/sandbox/helm/render-chart.js';
import { rendererDir, repoRoot, type Obj } from './chart-fixture.js';

jest.setTimeout(120_000);

const chartDir = join(repoRoot, 'test', 'ship', 'fixtures', 'features-chart');
const render = (values: Record<string, unknown> = {}) => renderChart({ chartDir, rendererDir, values, release: 'rel', namespace: 'ns1' });

test('renders every template but partials and NOTES.txt, dropping empty output', async () => {
  const manifests = await render();
  expect(manifests.map((m) => m.source)).toEqual(['features/templates/configmap.yaml']);
});

test.each<[string, Record<string, unknown>, string, string]>([
  ['include + .Chart + .Release', {}, 'name', 'features-rel'],
  ['tpl renders a value as a template', {}, 'tpl', 'hello rel'],
  ['toYaml sorts keys, block style', {}, 'toYaml', 'a: x\nb:\n- 1\n- 2\n'],
  ['fromYaml', {}, 'fromYaml', '1'],
  ['a default stays without override', {}, 'removed', 'false'],
  ['null removes a default', { removeMe: null }, 'removed', 'true'],
  ['Chart fields are capitalised', {}, 'chart', 'features/1.2.3/4.5.6'],
  ['.Template.Name', {}, 'template', 'features/templates/configmap.yaml'],
  ['integers print as integers', {}, 'count', '3'],
  ['overrides merge into nested maps', { nested: { a: 'y' } }, 'toYaml', 'a: "y"\nb:\n- 1\n- 2\n'],
  ['a missing key renders empty', {}, 'missing', ''],
  ['sprig functions', {}, 'sprig', 'A,B'],
])('%s', async (_name, values, key, expected) => {
  const [manifest] = await render(values);
  const object = manifest?.object as Obj;
  const actual = key === 'name' ? object.metadata.name : object.data[key];
  expect(actual).toBe(expected);
  expect(object.metadata.namespace).toBe('ns1');
});

test('required fails with its message', async () => {
  const failure = await render({ requireIt: true }).then(() => undefined, (error: unknown) => error);
  expect(failure).toBeInstanceOf(ChartRenderError);
  expect((failure as Error).message).toContain('needed must be set when requireIt is true');
});

test('required passes a set value through', async () => {
  const manifests = await render({ requireIt: true, needed: 'here' });
  expect(manifests.find((m) => m.object.metadata.name === 'required')?.object).toMatchObject({ data: { needed: 'here' } });
});
