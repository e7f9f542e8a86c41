import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { findUntypedNodes, toStructural } from '../../src/api/crd-schema.js';
import type { JsonSchema } from '../../src/api/crd-schema.js';
import { buildCrds, renderCrds } from '../../src/api/crds.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Crd = {
  metadata: { name: string };
  spec: {
    names: { kind: string; shortNames: string[]; categories: string[] };
    scope: string;
    versions: { schema: { openAPIV3Schema: JsonSchema }; subresources: Record<string, unknown>; additionalPrinterColumns: { name: string }[] }[];
  };
};

function allKeys(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allKeys);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => [k, ...allKeys(v)]);
}

describe('crds/', () => {
  test.each([...renderCrds()])('crds/%s matches the generator output (run `npm run gen:crds`)', (file, text) => {
    expect(readFileSync(join(root, 'crds', file), 'utf8')).toBe(text);
  });

  const crds = buildCrds() as unknown as Crd[];

  test.each(crds.map((crd) => [crd.metadata.name, crd] as const))('%s is structural and 1.20-safe', (_name, crd) => {
    const version = crd.spec.versions[0]!;
    const schema = version.schema.openAPIV3Schema;
    expect(findUntypedNodes(schema)).toEqual([]);
    const keys = allKeys(schema);
    for (const forbidden of ['$ref', '$defs', '$schema', 'anyOf', 'oneOf', 'allOf', 'x-kubernetes-validations', 'const', 'propertyNames']) {
      expect(keys).not.toContain(forbidden);
    }
    expect(version.subresources).toHaveProperty('status');
    expect(crd.spec.names.categories).toEqual(['kanary']);
  });

  test('short names and scopes', () => {
    const summary = crds.map((c) => [c.spec.names.kind, c.spec.names.shortNames[0], c.spec.scope]);
    expect(summary).toEqual([
      ['Rollout', 'ro', 'Namespaced'],
      ['AnalysisTemplate', 'at', 'Namespaced'],
      ['ClusterAnalysisTemplate', 'cat', 'Cluster'],
      ['AnalysisRun', 'ar', 'Namespaced'],
    ]);
  });

  test('Rollout has the scale subresource and the printer columns', () => {
    const version = crds[0]!.spec.versions[0]!;
    expect(version.subresources.scale).toEqual({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    expect(version.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'Desired', 'Current', 'Up-to-date', 'Available', 'Step', 'Weight', 'Phase', 'Age',
    ]);
  });

  test('int-or-string fields and the pod template are expressed the Kubernetes way', () => {
    const text = readFileSync(join(root, 'crds', 'rollouts.yaml'), 'utf8');
    const crd = yaml.load(text) as Crd;
    const spec = (crd.spec.versions[0]!.schema.openAPIV3Schema.properties as Record<string, JsonSchema>).spec!;
    const specProps = spec.properties as Record<string, JsonSchema>;
    const canary = ((specProps.strategy!.properties as Record<string, JsonSchema>).canary!.properties) as Record<string, JsonSchema>;
    expect(canary.maxSurge).toEqual({ default: '25%', 'x-kubernetes-int-or-string': true });
    const template = specProps.template!.properties as Record<string, JsonSchema>;
    expect(template.spec).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });
});

describe('toStructural', () => {
  test.each<[string, JsonSchema, JsonSchema]>([
    ['integer-or-string union', { anyOf: [{ type: 'integer' }, { type: 'string' }] }, { 'x-kubernetes-int-or-string': true }],
    ['loose object', { type: 'object', properties: {}, additionalProperties: {} }, { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true }],
    ['strict object', { type: 'object', properties: {}, additionalProperties: false }, { type: 'object', properties: {} }],
    ['const', { const: 'X' }, { type: 'string', enum: ['X'] }],
    ['safe-integer bounds dropped', { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, { type: 'integer' }],
    ['exclusiveMinimum number to boolean', { type: 'integer', exclusiveMinimum: 0 }, { type: 'integer', minimum: 0, exclusiveMinimum: true }],
    ['nullable', { anyOf: [{ type: 'string' }, { type: 'null' }] }, { type: 'string', nullable: true }],
    ['untyped becomes opaque object', {}, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }],
  ])('%s', (_rule, input, expected) => {
    expect(toStructural(input)).toEqual(expected);
  });

  test('$ref is refused', () => {
    expect(() => toStructural({ $ref: '#/$defs/x' })).toThrow('$ref');
  });
});
